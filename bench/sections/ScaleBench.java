import java.util.ArrayList;
import java.util.List;

/** Section `scale`: peak RSS of seed --synthetic at 100,000 items and at --scale items: constant memory, the same figure. */
final class ScaleBench implements Section {
    private final List<String[]> rows = new ArrayList<>();

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public boolean enabled(Benchmark bench) {
        return bench.scale > 0;
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        for (int items : new int[] {Math.min(100_000, bench.scale), bench.scale}) {
            try (Runner.Local local = run.local()) {
                local.createTable("scale");
                Sample s = run.run(local.ours("seed", "--table", "scale", "--synthetic", "--users", "1000", "--conversations",
                        String.valueOf(items / 100), "--messages", "98"));
                rows.add(new String[] {String.format("%,d", items), String.format("%.1f", s.seconds()),
                        String.format("%,.0f", items / s.seconds()), Report.rss(List.of(s))});
            }
            if (items == bench.scale) break;
        }
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (rows.isEmpty()) return;
        out.add("\n## seed --synthetic at scale (one run each, a fresh server each)\n\n");
        out.add("| items | s | items/s | peak RSS |\n| ---: | ---: | ---: | ---: |\n");
        for (String[] r : rows) out.add("| %s |%n", String.join(" | ", r));
    }
}
