package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ScanTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int ITEMS = 3_000;
    static String big;
    final DynamoDbClient ddb = LocalDynamo.client();

    /** About 6 MB: several 1 MB scan pages per segment. */
    @BeforeAll
    static void bigTable() {
        big = Tables.fresh("scan-big");
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        String filler = "x".repeat(2_000);
        for (int i = 0; i < ITEMS; i++) {
            var item = Tables.item("MSG#group-" + (i % 37), String.format("2026-01-01T00:00:%06d", i), "message " + i + " " + filler);
            item.put("count", AttributeValue.fromN(String.valueOf(i)));
            items.add(item);
        }
        Tables.putAll(LocalDynamo.client(), big, items);
    }

    static Set<String> keys(String jsonl) throws Exception {
        Set<String> keys = new HashSet<>();
        for (String line : jsonl.lines().toList()) {
            JsonNode item = JSON.readTree(line);
            assertTrue(keys.add(item.get("pk").asText() + "|" + item.get("sk").asText()), "duplicate: " + line);
        }
        return keys;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void scansEveryPageOfASeveralMegabyteTable(int segments) throws Exception {
        var r = Cli.local("scan", "--table", big, "--segments", String.valueOf(segments)).run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals(ITEMS, keys(r.out()).size());
        assertTrue(r.err().contains("Scanned 3,000 items from " + big), "count on stderr: " + r.err());
        JsonNode first = JSON.readTree(r.out().lines().findFirst().orElseThrow());
        assertTrue(first.get("count").isNumber(), "numbers stay numbers: " + first);
    }

    @Test
    void limitStopsAtExactlyNItems() throws Exception {
        for (String segments : List.of("1", "4")) {
            var r = Cli.local("scan", "--table", big, "--limit", "1234", "--segments", segments).run();
            assertEquals(0, r.exit(), r::toString);
            assertEquals(1234, keys(r.out()).size());
        }
    }

    @Test
    void jsonArrayAndTable() throws Exception {
        var json = Cli.local("scan", "--table", big, "--limit", "5", "-o", "json").run();
        assertEquals(0, json.exit(), json::toString);
        JsonNode array = JSON.readTree(json.out());
        assertTrue(array.isArray());
        assertEquals(5, array.size());

        var table = Cli.local("scan", "--table", big, "--limit", "3", "--output", "table").run();
        assertEquals(0, table.exit(), table::toString);
        assertTrue(table.out().contains("| pk "), table::toString);
        assertEquals(3 + 4, table.out().lines().count(), "header, rules and 3 rows: " + table);
    }

    @Test
    void emptyTableIsAnEmptyArray() throws Exception {
        String empty = Tables.fresh("scan-empty");
        var r = Cli.local("scan", "--table", empty, "-o", "json").run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals(0, JSON.readTree(r.out()).size());
    }

    @Test
    void completeThroughThrottlingDroppedConnectionsAndDelays() throws Exception {
        try (FaultProxy proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(
                new FaultProxy.Rule("Scan", FaultProxy.Fault.PROVISIONED_THROUGHPUT_EXCEEDED, 3),
                new FaultProxy.Rule("Scan", FaultProxy.Fault.THROTTLING, 4),
                new FaultProxy.Rule("Scan", FaultProxy.Fault.DROP_CONNECTION, 5),
                new FaultProxy.Rule("Scan", FaultProxy.Fault.DELAY, 7)))) {
            var r = Cli.script("scan", "--table", big, "--endpoint-url", proxy.endpoint()).run();
            System.out.println("scan through the fault proxy: " + proxy.report());
            assertEquals(0, r.exit(), r::toString);
            assertEquals(ITEMS, keys(r.out()).size(), "every item exactly once");
            assertTrue(proxy.injected(FaultProxy.Fault.DROP_CONNECTION) > 0, proxy::report);
        }
    }

    @Test
    void missingTableAndBadSegments() {
        var missing = Cli.local("scan", "--table", "no-such-table").run();
        assertEquals(1, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("Table 'no-such-table' not found"), missing::toString);

        var negative = Cli.local("scan", "--segments", "-2").run();
        assertEquals(2, negative.exit(), negative::toString);
        assertTrue(negative.err().contains("--segments must be at least 1"), negative::toString);

        var notNumber = Cli.local("scan", "--limit", "ten").run();
        assertEquals(2, notNumber.exit(), notNumber::toString);
        assertTrue(notNumber.err().contains("'ten' is not a long"), notNumber::toString);
    }
}
