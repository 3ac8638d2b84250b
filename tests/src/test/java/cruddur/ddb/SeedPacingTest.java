package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Seed paced to a provisioned table (SeedTest has the rest of seed). It asserts the rate the table saw: it runs alone
 * (@Isolated), with no other class's processes taking the cores while it is measured.
 */
@Isolated("asserts the rate a capacity front saw")
class SeedPacingTest {
    final DynamoDbClient ddb = LocalDynamo.client();

    /**
     * A table provisioned with N write units, as the original schema makes it (5) and a bigger one (20): seed reads the
     * capacity, paces itself, and lands every item exactly once at close to the capacity, with few refused calls.
     */
    @ParameterizedTest
    @CsvSource({"20, 6", "5, 2"})
    void pacedToAProvisionedTableLandsEveryItemOnceNearCapacity(int wcu, int conversations) throws Exception {
        String table = Tables.fresh("seed-wcu" + wcu);
        int items = conversations * 50;
        try (FaultProxy proxy = FaultProxy.capacity(LocalDynamo.endpoint(), wcu)) {
            var r = Cli.script("seed", "--table", table, "--synthetic", "--users", "5", "--conversations", String.valueOf(conversations),
                    "--messages", "48", "--endpoint-url", proxy.endpoint(), "--yes").run(); // the front's ARN: a real account
            System.out.println("seed at " + wcu + " WCU: " + proxy.report() + "; " + r.err().lines().reduce((a, b) -> b).orElse(""));
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.err().contains(String.format("at %d WCU about %d s", wcu, (long) Math.ceil(items / (0.95 * wcu)))), "an honest estimate: " + r);
            assertEquals(items, Tables.snapshot(ddb, table).size(), "every item exactly once");
            assertTrue(proxy.unitsPerSecond() >= 0.85 * wcu, "at least 85% of the capacity: " + proxy.report());
            assertTrue(proxy.throttledCalls.get() * 4 <= proxy.writeCalls.get(), "at most a quarter of the calls refused: " + proxy.report());
        }
    }
}
