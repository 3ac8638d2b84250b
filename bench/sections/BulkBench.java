import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Section `bulk`: seed --synthetic and scan of the bulk data set, against boto3, and DynamoDB Local's ceiling. */
final class BulkBench implements Section {
    /** Key: "write|client" or "read|client". */
    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();

    @Override
    public String name() {
        return "bulk";
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        long items = bench.bulkItems();
        String c = String.valueOf(bench.conversations);
        String m = String.valueOf(bench.messages);
        // A writer: the command for (server, table).
        Map<String, Function<Runner.Local, List<String>>> writers = new LinkedHashMap<>();
        writers.put("seed --synthetic (8 threads, default)",
                l -> l.ours("seed", "--table", "bulk", "--synthetic", "--conversations", c, "--messages", m));
        if (run.boto3) {
            writers.put("boto3 Table.batch_writer()", l -> run.python("seed_bulk.py", l.endpoint, "bulk", c, m));
            writers.put("boto3 batch_write_item, 8 threads", l -> run.python("seed_bulk.py", l.endpoint, "bulk", c, m, "8"));
        }
        writers.put("ceiling: seed --synthetic --threads 16",
                l -> l.ours("seed", "--table", "bulk", "--synthetic", "--conversations", c, "--messages", m, "--threads", "16"));
        writers.put("ceiling: seed --synthetic --threads 32",
                l -> l.ours("seed", "--table", "bulk", "--synthetic", "--conversations", c, "--messages", m, "--threads", "32"));
        // Every write run gets a fresh server: an in-memory DynamoDB Local grows with every table it held, and a
        // later run on an older server would be slower for reasons of its own. Who goes first alternates.
        for (int r = 0; r < bench.bulkRuns; r++) {
            for (var w : Runner.alternate(List.copyOf(writers.entrySet()), r)) {
                try (Runner.Local local = run.local()) {
                    local.createTable("bulk");
                    Sample s = run.run(w.getValue().apply(local));
                    long count = local.count("bulk");
                    if (count != items) throw new IllegalStateException(w.getKey() + " left " + count + " items, not " + items);
                    samples.computeIfAbsent("write|" + w.getKey(), k -> new ArrayList<>()).add(s);
                }
            }
        }
        try (Runner.Local local = run.local()) {
            String table = "bulk-scan";
            local.createTable(table);
            run.run(local.ours("seed", "--table", table, "--synthetic", "--conversations", c, "--messages", m));
            Map<String, List<String>> readers = new LinkedHashMap<>();
            readers.put("scan (4 segments, default)", local.ours("scan", "--table", table));
            if (run.boto3) {
                readers.put("boto3 paginated scan", run.python("scan.py", local.endpoint, table));
                readers.put("boto3 parallel scan, 4 segments", run.python("scan.py", local.endpoint, table, "4"));
            }
            readers.put("ceiling: scan --segments 16", local.ours("scan", "--table", table, "--segments", "16"));
            for (int r = 0; r < bench.bulkRuns; r++) {
                for (var e : Runner.alternate(List.copyOf(readers.entrySet()), r)) {
                    Sample s = run.run(e.getValue());
                    if (s.lines() != items) throw new IllegalStateException(e.getKey() + " printed " + s.lines() + " items, not " + items);
                    samples.computeIfAbsent("read|" + e.getKey(), k -> new ArrayList<>()).add(s);
                }
            }
        }
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (samples.isEmpty()) return;
        long items = bench.bulkItems();
        out.add("%n## Bulk: %,d items (median of %d runs; items/s over the whole process, start-up included)%n%n", items, bench.bulkRuns);
        out.add("| workload | client | median s | min–max s | items/s | peak RSS | this project's default is |\n");
        out.add("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        Map<String, Double> defaults = new LinkedHashMap<>();
        for (var e : samples.entrySet()) {
            String kind = e.getKey().substring(0, e.getKey().indexOf('|'));
            double rate = items / Report.median(e.getValue());
            defaults.putIfAbsent(kind, rate);
            out.add("| %s | %s | %.2f | %s | %,.0f | %s | %s |%n", kind.equals("write") ? "seed (write)" : "scan (read to a pipe)",
                    e.getKey().substring(e.getKey().indexOf('|') + 1), Report.median(e.getValue()), Report.range(e.getValue()), rate,
                    Report.rss(e.getValue()), String.format("%.2f× as fast", defaults.get(kind) / rate));
        }
        double ceilingWrite = ceiling(items, "write|");
        double ceilingRead = ceiling(items, "read|");
        out.add("%nDynamoDB Local's ceiling on this machine, the best of any client above: %,.0f items/s written, "
                + "%,.0f items/s scanned. The default seed reaches %.0f%% of the write ceiling.%n", ceilingWrite, ceilingRead,
                100 * defaults.getOrDefault("write", 0.0) / ceilingWrite);
    }

    private double ceiling(long items, String kind) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith(kind))
                .mapToDouble(e -> items / Report.median(e.getValue())).max().orElse(0);
    }
}
