import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section `mask`: export --mask against plain export of the bulk data set, interleaved (target: at least 80% of plain
 * export's items/s); diff of two tables of the bulk data set against one export (target: at most 2x); diff's peak RSS
 * on two export files of the bulk data set and, with --scale, of --scale items each (target: 300 MB at 1,000,000).
 */
final class MaskBench implements Section {
    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
    private final Map<Long, Sample> diffRss = new LinkedHashMap<>();
    private long items;

    @Override
    public String name() {
        return "mask";
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        items = bench.bulkItems();
        try (Runner.Local local = run.local()) {
            String c = String.valueOf(bench.conversations), m = String.valueOf(bench.messages);
            local.createTable("source");
            run.run(local.ours("seed", "--table", "source", "--synthetic", "--conversations", c, "--messages", m));
            Path dir = Files.createTempDirectory("bench-mask");
            Path key = Files.writeString(dir.resolve("key"), "bench key");
            Path file = dir.resolve("items.json.gz");
            run.run(local.ours("export", "--table", "source", "--file", file.toString()));
            local.createTable("copy");
            run.run(local.ours("import", file.toString(), "--table", "copy"));
            for (int r = 0; r < bench.bulkRuns; r++) {
                for (String w : Runner.alternate(List.of("export", "export --mask", "diff of two tables"), r)) {
                    Sample s = switch (w) {
                        case "export" -> run.run(local.ours("export", "--table", "source"));
                        case "export --mask" -> run.run(local.ours("export", "--table", "source", "--mask",
                                "--mask-key-file", key.toString()));
                        default -> run.run(local.ours("diff", "source", "copy"));
                    };
                    long want = w.startsWith("export") ? items : 1;
                    if (s.lines() != want) throw new IllegalStateException(w + " printed " + s.lines() + " lines");
                    samples.computeIfAbsent(w, k -> new ArrayList<>()).add(s);
                }
            }
            diffRss.put(items, run.run(local.ours("diff", file.toString(), file.toString())));
            if (!bench.tiny && bench.scale > items) { // two files of --scale items: about the same peak RSS
                int conversations = bench.scale / (bench.messages + 2);
                local.createTable("large");
                run.run(local.ours("seed", "--table", "large", "--synthetic", "--conversations",
                        String.valueOf(conversations), "--messages", m));
                Path large = dir.resolve("large.json.gz");
                run.run(local.ours("export", "--table", "large", "--file", large.toString()));
                diffRss.put((long) conversations * (bench.messages + 2), run.run(local.ours("diff", large.toString(),
                        large.toString())));
            }
        }
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (samples.isEmpty()) return;
        out.add("%n## Masking and diff: %,d items (median of %d interleaved runs)%n%n", items, bench.bulkRuns);
        out.add("| workload | median s | min–max s | items/s | peak RSS | against plain export |\n");
        out.add("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        double plain = Report.median(samples.get("export"));
        samples.forEach((w, s) -> out.add("| %s | %.2f | %s | %,.0f | %s | %.2f× its time |%n", w, Report.median(s),
                Report.range(s), items / Report.median(s), Report.rss(s), Report.median(s) / plain));
        out.add("\nTargets: export --mask at least 80%% of export's items/s (at most 1.25× its time); diff of two tables "
                + "at most 2× an export's time. Peak RSS of `diff` of two files by size (target 300 MB at 1,000,000 "
                + "items a side): ");
        List<String> sizes = new ArrayList<>();
        diffRss.forEach((n, s) -> sizes.add(String.format("%,d items a side %s (%.1f s)", n, Report.rss(List.of(s)),
                s.seconds())));
        out.add("%s.\n", String.join("; ", sizes));
    }
}
