import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Section `scripts`: every script, warm, through its shebang, against the aws CLI / boto3 equivalent of the original. */
final class ScriptsBench implements Section {
    static final String ANDREW = "7e6d1a4b-0c2f-4f3e-9a51-2b8c4d6e8f01";
    static final String GROUP = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399";

    /** One script and its reference: their names, and the commands of run r (tables differ by run where they must). */
    record Pair(String name, String ours, String reference, List<String> mine, List<String> theirs) {}

    record Row(String name, String ours, String reference, List<Sample> mine, List<Sample> theirs) {}

    private final List<Row> rows = new ArrayList<>();

    @Override
    public String name() {
        return "scripts";
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        try (Runner.Local local = run.local()) {
            String endpoint = local.endpoint;
            String year = String.valueOf(Year.now().getValue());
            run.run(local.ours("schema-load"));
            run.run(local.ours("seed"));
            run.run(local.ours("schema-load", "--table", "bench-seed-ours", "--billing-mode", "PAY_PER_REQUEST"));
            run.run(local.ours("schema-load", "--table", "bench-seed-ref", "--billing-mode", "PAY_PER_REQUEST"));

            List<IntFunction<Pair>> pairs = List.of(
                    r -> new Pair("list-tables", "list-tables", "aws dynamodb list-tables --output table",
                            local.ours("list-tables"), local.aws("list-tables", "--output", "table")),
                    r -> new Pair("schema-load", "schema-load", "boto3 create_table", local.ours("schema-load", "--table", "bench-ours-" + r),
                            run.python("schema_load.py", endpoint, "bench-ref-" + r)),
                    r -> new Pair("drop", "drop TABLE", "aws dynamodb delete-table", local.ours("drop", "bench-ours-" + r),
                            local.aws("delete-table", "--table-name", "bench-ref-" + r)),
                    r -> new Pair("seed (57 items)", "seed", "boto3 batch_writer", local.ours("seed", "--table", "bench-seed-ours"),
                            run.python("seed.py", endpoint, "bench-seed-ref", run.repo.resolve("seeds").toString())),
                    r -> new Pair("scan (57 items)", "scan", "boto3 paginated scan", local.ours("scan"),
                            run.python("scan.py", endpoint, "cruddur-messages")),
                    r -> new Pair("list-conversations", "list-conversations -o json", "boto3 query (original)",
                            local.ours("patterns/list-conversations", "-o", "json"),
                            run.python("list_conversations.py", endpoint, "cruddur-messages", ANDREW, year)),
                    r -> new Pair("get-conversation", "get-conversation --year Y -o json", "boto3 query (original)",
                            local.ours("patterns/get-conversation", "--year", year, "-o", "json"),
                            run.python("get_conversation.py", endpoint, "cruddur-messages", GROUP, year)));

            Runner.warmUp(w -> {
                for (var p : pairs) {
                    Pair pair = p.apply(-1 - w);
                    run.run(pair.mine());
                    if (w == 0 && pair.theirs() != null) run.run(pair.theirs());
                }
            });
            Map<String, List<Sample>> mine = new LinkedHashMap<>();
            Map<String, List<Sample>> theirs = new LinkedHashMap<>();
            for (int r = 0; r < bench.runs; r++) {
                for (var p : pairs) {
                    Pair pair = p.apply(r);
                    for (boolean ours : Runner.alternate(List.of(true, false), r)) {
                        if (ours) mine.computeIfAbsent(pair.name(), k -> new ArrayList<>()).add(run.run(pair.mine()));
                        else if (pair.theirs() != null) theirs.computeIfAbsent(pair.name(), k -> new ArrayList<>()).add(run.run(pair.theirs()));
                    }
                }
            }
            for (var p : pairs) {
                Pair pair = p.apply(0);
                rows.add(new Row(pair.name(), pair.ours(), pair.theirs() == null ? "(skipped)" : pair.reference(),
                        mine.get(pair.name()), theirs.getOrDefault(pair.name(), List.of())));
            }
        }
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (rows.isEmpty()) return;
        out.add("## Every script, warm, through its shebang (median of %d runs, interleaved with the reference)%n%n", bench.runs);
        out.add("| operation | this | median s | min–max s | peak RSS | reference | median s | min–max s | peak RSS | this / reference |\n");
        out.add("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            boolean ref = !r.theirs().isEmpty();
            out.add("| %s | `%s` | %.3f | %s | %s | %s | %s | %s | %s | %s |%n", r.name(), r.ours(), Report.median(r.mine()),
                    Report.range(r.mine()), Report.rss(r.mine()), r.reference(),
                    ref ? String.format("%.3f", Report.median(r.theirs())) : "", ref ? Report.range(r.theirs()) : "",
                    ref ? Report.rss(r.theirs()) : "", ref ? String.format("**%.2f×**", Report.median(r.mine()) / Report.median(r.theirs())) : "");
        }
    }
}
