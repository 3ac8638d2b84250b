import cruddur.ddb.AppClient;
import cruddur.ddb.CapacityFront;
import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Section `sharing` (issue 20's targets): `export prod` through a provisioned front (reached through the SDK's endpoint
 * configuration) with the app's query beside it, 5 a second, no retries; and seed against boto3's batch_writer through
 * an on-demand front with a limit it does not announce.
 */
final class SharingBench implements Section {
    static final String USER = "7e6d1a4b-0c2f-4f3e-9a51-2b8c4d6e8f01";

    @Option(names = "--sharing-rcu", defaultValue = "20", description = "Sharing: read units of the provisioned front.")
    int rcu;

    @Option(names = "--sharing-wcu", defaultValue = "20", description = "Sharing: the hidden write limit of the on-demand front.")
    int wcu;

    @Option(names = "--sharing-items", defaultValue = "1500", description = "Sharing: items exported, and seeded (a multiple of 50).")
    int items;

    record ExportRun(long items, double seconds, double unitsPerSecond, double peak, int appCalls, int appThrottled) {}

    record SeedRun(String client, long items, double seconds, double unitsPerSecond, int calls, int refused, String outcome) {}

    private final List<ExportRun> exports = new ArrayList<>();
    private final List<SeedRun> seeds = new ArrayList<>();

    @Override
    public String name() {
        return "sharing";
    }

    @Override
    public void tiny() {
        items = 50; // one conversation: the smallest the section seeds
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        String c = String.valueOf(items / 50);
        try (Runner.Local local = run.local()) {
            run.run(local.ours("schema-load", "--table", "share", "--billing-mode", "PAY_PER_REQUEST"));
            run.run(local.ours("seed", "--table", "share", "--synthetic", "--users", "20", "--conversations", c,
                    "--messages", "48"));
            String year = String.valueOf(Year.now().getValue());
            for (int i = 0; i < 3; i++) {
                var group = Map.of("pk", s("GRP#" + USER), "sk", s(year + "-0" + (i + 1) + "-01T00:00:00.000000+00:00"),
                        "message_group_uuid", s("group-" + i), "message", s("hello"), "user_uuid", s("other-" + i),
                        "user_display_name", s("Other " + i), "user_handle", s("other" + i));
                local.ddb.putItem(p -> p.tableName("share").item(group));
            }
            try (CapacityFront front = CapacityFront.provisioned(local.endpoint, rcu, 1000)) {
                AppClient app = AppClient.start(front.endpoint(), "share", USER, 5);
                long start = System.nanoTime();
                var exported = run.run(List.of(run.repo.resolve("bin/ddb/export").toString(), "prod", "--table", "share"),
                        Map.of("AWS_ENDPOINT_URL_DYNAMODB", front.endpoint()));
                double seconds = (System.nanoTime() - start) / 1e9;
                app.close();
                exports.add(new ExportRun(exported.lines(), seconds, front.reads().unitsPerSecond(),
                        front.reads().peakUnitsPerSecond(), app.calls(), app.throttled()));
            }
        }
        Map<String, Function<String, List<String>>> clients = new LinkedHashMap<>();
        clients.put("seed --synthetic", ep -> run.ours(ep, "seed", "--table", "cap", "--synthetic", "--users", "20",
                "--conversations", c, "--messages", "48", "--yes"));
        if (run.boto3) clients.put("boto3 Table.batch_writer()", ep -> run.python("seed_bulk.py", ep, "cap", c, "48"));
        for (var client : clients.entrySet()) {
            try (Runner.Local local = run.local(); CapacityFront front = CapacityFront.hidden(local.endpoint, CapacityFront.UNLIMITED, wcu)) {
                local.createTable("cap");
                String outcome = "exit 0";
                long start = System.nanoTime();
                try {
                    run.run(client.getValue().apply(front.endpoint()));
                } catch (IllegalStateException e) {
                    outcome = e.getMessage().substring(0, e.getMessage().indexOf(':'));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                seeds.add(new SeedRun(client.getKey(), local.count("cap"), seconds, front.writes().unitsPerSecond(),
                        front.writes().calls.get(), front.writes().throttled.get(), outcome));
            }
        }
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (exports.isEmpty() && seeds.isEmpty()) return;
        out.add("%n## Sharing a table with the app (one run each)%n%n");
        out.add("`export prod` (its endpoint from AWS_ENDPOINT_URL_DYNAMODB) through a front that behaves like a provisioned "
                + "table of %d RCU, with the app's list_message_groups query beside it, 5 a second, no retries. Target: at "
                + "most 60%% of the RCU over the run, the app never throttled.%n%n", rcu);
        out.add("| items exported | s | export RCU/s | share of RCU | peak RCU in a second | app calls | app throttled |\n");
        out.add("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (ExportRun r : exports) {
            out.add("| %,d | %.1f | %.1f | %.0f%% | %.1f | %d | %d |%n", r.items(), r.seconds(), r.unitsPerSecond(),
                    100 * r.unitsPerSecond() / rcu, r.peak(), r.appCalls(), r.appThrottled());
        }
        out.add("%nSeed through an on-demand front that refuses writes beyond %d WCU without announcing it (a hot "
                + "partition). Target: every item, at most 1.1x boto3's time, fewer refused calls.%n%n", wcu);
        out.add("| client | items landed | s | units/s accepted | write calls | refused calls | outcome |\n");
        out.add("| --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (SeedRun r : seeds) {
            out.add("| %s | %,d of %,d | %.1f | %.1f | %d | %d | %s |%n", r.client(), r.items(), items, r.seconds(),
                    r.unitsPerSecond(), r.calls(), r.refused(), r.outcome());
        }
    }
}
