import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Option;

/**
 * Section `export`: export and import of the bulk data set against the aws CLI (scan --output json; a shell loop of
 * batch-write-item), interleaved with seed --synthetic of the same data set into an empty table (import's target:
 * at least seed's items/s; pure writes, as an empty table has no stale items to read); then export's peak RSS at
 * --scale items.
 */
final class ExportBench implements Section {
    @Option(names = "--cli-import-items", defaultValue = "5000", description = "Export: items the aws CLI loop of batch-write-item "
            + "(25 a call, one process each) imports: all 100,000 would take about half an hour a run.")
    int cliImportItems;

    /** An export or import workload: who ran it, on how many items, its runs. */
    record Transfer(String workload, String client, long items, List<Sample> samples) {}

    private final List<Transfer> transfers = new ArrayList<>();
    private final Map<Long, Sample> exportRss = new LinkedHashMap<>();

    @Override
    public String name() {
        return "export";
    }

    @Override
    public void tiny() {
        cliImportItems = 100;
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        long bulkItems = bench.bulkItems();
        try (Runner.Local local = run.local()) {
            String c = String.valueOf(bench.conversations), m = String.valueOf(bench.messages);
            local.createTable("source");
            run.run(local.ours("seed", "--table", "source", "--synthetic", "--conversations", c, "--messages", m));
            Path dir = Files.createTempDirectory("bench-export");
            Path file = dir.resolve("items.json.gz");
            run.run(local.ours("export", "--table", "source", "-o", file.toString()));
            long cliItems = Math.min(cliImportItems, bulkItems);
            int batches = run.awsCli ? cliBatches(file, dir, cliItems) : 0;
            String loop = "for f in \"$1\"/batch-*.json; do \"$3\" dynamodb batch-write-item --request-items \"file://$f\" "
                    + "--endpoint-url \"$2\" > /dev/null || exit 1; done";
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            for (int r = 0; r < bench.bulkRuns; r++) {
                for (String w : Runner.alternate(List.of("export|ours", "export|aws", "import|ours", "import|aws", "seed|ours"), r)) {
                    if (w.endsWith("aws") && !run.awsCli) continue;
                    String table = w.endsWith("aws") ? "cli-copy" : w.startsWith("seed") ? "seeded" : "copy";
                    if (!w.startsWith("export")) local.createTable(table);
                    Sample s = switch (w) {
                        case "export|ours" -> run.run(local.ours("export", "--table", "source"));
                        case "export|aws" -> run.run(local.aws("scan", "--table-name", "source", "--output", "json"));
                        case "import|ours" -> run.run(local.ours("import", file.toString(), "--table", table));
                        // import's target: the items/s of seed writing the same data set, in the same run
                        case "seed|ours" -> run.run(local.ours("seed", "--table", table, "--synthetic", "--conversations", c, "--messages", m));
                        default -> run.run(List.of("bash", "-c", loop, "import", dir.toString(), local.endpoint, run.awsCommand));
                    };
                    if (w.equals("export|ours") && s.lines() != bulkItems) throw new IllegalStateException("export printed " + s.lines() + " items");
                    if (!w.startsWith("export")) {
                        long count = local.count(table);
                        long want = w.endsWith("ours") ? bulkItems : cliItems;
                        if (count != want) throw new IllegalStateException(w + " left " + count + " items, not " + want);
                        local.ddb.deleteTable(d -> d.tableName(table));
                    }
                    samples.computeIfAbsent(w, k -> new ArrayList<>()).add(s);
                }
            }
            transfers.add(new Transfer("export", "export (4 segments, to a pipe)", bulkItems, samples.get("export|ours")));
            if (run.awsCli) {
                transfers.add(new Transfer("export", "aws dynamodb scan --output json (to a pipe)", bulkItems, samples.get("export|aws")));
            }
            transfers.add(new Transfer("import", "import FILE (gzipped; checked, then 8 threads)", bulkItems, samples.get("import|ours")));
            transfers.add(new Transfer("import", "seed --synthetic of the same data set (import's target: its items/s)", bulkItems,
                    samples.get("seed|ours")));
            if (run.awsCli) {
                transfers.add(new Transfer("import", String.format("aws dynamodb batch-write-item, %,d calls of 25 in a shell loop", batches),
                        cliItems, samples.get("import|aws")));
            }

            exportRss.put(bulkItems, samples.get("export|ours").stream().max(Comparator.comparingLong(Sample::rssKb)).orElseThrow());
            if (bench.scale > bulkItems) { // the same export on --scale items: constant memory means the same peak RSS
                int conversations = bench.scale / (bench.messages + 2);
                local.createTable("large");
                run.run(local.ours("seed", "--table", "large", "--synthetic", "--conversations", String.valueOf(conversations), "--messages", m));
                Sample large = run.run(local.ours("export", "--table", "large"));
                long largeItems = (long) conversations * (bench.messages + 2);
                if (large.lines() != largeItems) throw new IllegalStateException("export printed " + large.lines() + " items, not " + largeItems);
                exportRss.put(largeItems, large);
            }
        }
    }

    /** The first `items` lines of an export as request files of 25 PutRequests for table cli-copy, as a user of the aws CLI writes them. */
    static int cliBatches(Path export, Path dir, long items) throws IOException {
        List<String> lines;
        try (var in = new GZIPInputStream(Files.newInputStream(export))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(items).toList();
        }
        int n = 0;
        for (int i = 0; i < lines.size(); i += 25, n++) {
            StringBuilder sb = new StringBuilder("{\"cli-copy\": [");
            for (int j = i; j < Math.min(i + 25, lines.size()); j++) {
                String item = lines.get(j).substring("{\"Item\":".length(), lines.get(j).length() - 1);
                sb.append(j == i ? "" : ",").append("{\"PutRequest\": {\"Item\": ").append(item).append("}}");
            }
            Files.writeString(dir.resolve(String.format("batch-%05d.json", n)), sb.append("]}").toString());
        }
        return n;
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (transfers.isEmpty()) return;
        out.add("%n## Export and import: %,d items (median of %d interleaved runs; items/s over the whole process)%n%n",
                bench.bulkItems(), bench.bulkRuns);
        out.add("| workload | client | items | median s | min–max s | items/s | peak RSS | this project is |\n");
        out.add("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        Map<String, Double> ours = new LinkedHashMap<>();
        for (Transfer t : transfers) {
            double rate = t.items() / Report.median(t.samples());
            ours.putIfAbsent(t.workload(), rate);
            out.add("| %s | %s | %,d | %.2f | %s | %,.0f | %s | %s |%n", t.workload(), t.client(), t.items(), Report.median(t.samples()),
                    Report.range(t.samples()), rate, Report.rss(t.samples()), String.format("%.2f× as fast", ours.get(t.workload()) / rate));
        }
        out.add("\nPeak RSS of `export` by table size (flat: items stream through, a page per segment at a time): ");
        List<String> sizes = new ArrayList<>();
        exportRss.forEach((items, sample) -> sizes.add(String.format("%,d items %s (%.1f s)", items, Report.rss(List.of(sample)), sample.seconds())));
        out.add("%s.\n", String.join("; ", sizes));
    }
}
