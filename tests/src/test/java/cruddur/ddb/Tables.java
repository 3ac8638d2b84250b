package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Table fixtures for the tests, made and read through the SDK (not through the scripts under test). */
final class Tables {
    private Tables() {}

    /** A fresh messages table made with the real schema-load script. */
    static String fresh(String prefix) {
        String table = LocalDynamo.uniqueTable(prefix);
        var r = Cli.local("schema-load", "--table", table, "--billing-mode", "PAY_PER_REQUEST").run();
        assertEquals(0, r.exit(), r::toString);
        return table;
    }

    /** Every item, keyed "pk|sk", in a stable order: compare whole tables before and after a run. */
    static Map<String, Map<String, AttributeValue>> snapshot(DynamoDbClient ddb, String table) {
        Map<String, Map<String, AttributeValue>> all = new TreeMap<>();
        for (var item : LocalDynamo.scanAll(ddb, table)) all.put(item.get("pk").s() + "|" + item.get("sk").s(), item);
        return all;
    }

    static void putAll(DynamoDbClient ddb, String table, List<Map<String, AttributeValue>> items) {
        for (int i = 0; i < items.size(); i += 25) {
            List<WriteRequest> batch = new ArrayList<>();
            for (var item : items.subList(i, Math.min(i + 25, items.size()))) {
                batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, batch);
            while (!pending.isEmpty()) {
                var requestItems = pending;
                pending = ddb.batchWriteItem(b -> b.requestItems(requestItems)).unprocessedItems();
            }
        }
    }

    static Map<String, AttributeValue> item(String pk, String sk, String message) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("pk", AttributeValue.fromS(pk));
        m.put("sk", AttributeValue.fromS(sk));
        m.put("message", AttributeValue.fromS(message));
        return m;
    }
}
