import cruddur.ddb.FaultProxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Section `capacity`: seed and boto3's batch_writer through the same provisioned-table front (the tests' FaultProxy):
 * time, share of the capacity, refused calls.
 */
final class CapacityBench implements Section {
    @Option(names = "--capacity-wcu", defaultValue = "20", description = "Capacity: write units of the provisioned-table front.")
    int capacityWcu;

    @Option(names = "--capacity-items", defaultValue = "3000", description = "Capacity: items seeded through that front (a multiple of 50).")
    int capacityItems;

    record CapacityRun(String client, int items, double seconds, double unitsPerSecond, int calls, int throttled, String outcome) {}

    private final List<CapacityRun> runs = new ArrayList<>();

    @Override
    public String name() {
        return "capacity";
    }

    @Override
    public void tiny() {
        capacityItems = 50; // one conversation: the smallest the section writes
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        String c = String.valueOf(capacityItems / 50);
        // A client: its command at the front's endpoint.
        Map<String, Function<String, List<String>>> clients = new LinkedHashMap<>();
        // --yes: the front's tables have a real account's ARN, so a write there is prod's (issue 17).
        clients.put("seed --synthetic", ep -> run.ours(ep, "seed", "--table", "cap", "--synthetic", "--users", "20",
                "--conversations", c, "--messages", "48", "--yes"));
        if (run.boto3) clients.put("boto3 Table.batch_writer()", ep -> run.python("seed_bulk.py", ep, "cap", c, "48"));
        for (var client : clients.entrySet()) {
            try (Runner.Local local = run.local(); FaultProxy front = FaultProxy.capacity(local.endpoint, capacityWcu)) {
                local.createTable("cap");
                String outcome = "exit 0";
                long start = System.nanoTime();
                try {
                    run.run(client.getValue().apply(front.endpoint()));
                } catch (IllegalStateException e) {
                    outcome = e.getMessage().substring(0, e.getMessage().indexOf(':'));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long landed = local.count("cap");
                runs.add(new CapacityRun(client.getKey(), (int) landed, seconds, front.unitsPerSecond(),
                        front.writeCalls.get(), front.throttledCalls.get(), outcome));
            }
        }
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (runs.isEmpty()) return;
        out.add("%n## Seed against a provisioned table of %d WCU (one run each)%n%n", capacityWcu);
        out.add("A front in front of DynamoDB Local that behaves like a provisioned table: a token bucket of the WCU with one second "
                + "of burst; writes beyond it come back as UnprocessedItems, a call with none left is a ProvisionedThroughputExceededException. "
                + "Capacity-bound runs vary little, so one run each.\n\n");
        out.add("| client | items landed | s | units/s accepted | share of capacity | write calls | refused calls | outcome |\n");
        out.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (CapacityRun r : runs) {
            out.add("| %s | %,d of %,d | %.1f | %.1f | %.0f%% | %d | %d | %s |%n", r.client(), r.items(), capacityItems,
                    r.seconds(), r.unitsPerSecond(), 100 * r.unitsPerSecond() / capacityWcu, r.calls(), r.throttled(), r.outcome());
        }
    }
}
