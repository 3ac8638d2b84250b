package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Throttling has one owner in the loaders: a refused BatchWriteItem goes back to the writer, which slows down and
 * resends it; the SDK's retries (which the script's client has for every other call) must not hide it.
 */
@Isolated("counts the throttled calls a fault proxy saw")
class WriterThrottlingTest {
    final DynamoDbClient ddb = LocalDynamo.client();

    @Test
    void aRefusedBatchIsResentByTheWriterNotRetriedByTheSdk() throws Exception {
        String table = Tables.fresh("writer-throttling");
        // The first 3 BatchWriteItem calls are refused. Retried inside the SDK, they would reach the writer as one
        // call that landed: "0 of 3 calls throttled", while the front counts 6.
        try (FaultProxy proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.THROTTLING, 1, 3)))) {
            var r = Cli.script("seed", "--table", table, "--threads", "1", "--endpoint-url", proxy.endpoint()).run();
            assertEquals(0, r.exit(), r::toString);
            assertEquals(3, proxy.injected(FaultProxy.Fault.THROTTLING), proxy::report);
            assertTrue(r.err().contains("3 of " + proxy.calls("BatchWriteItem") + " calls throttled"),
                    "the writer saw every refused call: " + proxy.report() + "\n" + r.err());
        }
        assertEquals(57, Tables.snapshot(ddb, table).size(), "every item once");
    }
}
