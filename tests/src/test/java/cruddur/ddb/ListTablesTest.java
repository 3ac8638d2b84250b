package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class ListTablesTest {
    @Test
    void listsMoreThanOnePageOfTablesInEveryFormat() throws Exception {
        // A DynamoDB Local of its own: the whole table set is compared, and other classes make and drop tables in the
        // suite's server while this one runs.
        var server = LocalDynamo.Server.start(List.of("--in-memory"));
        try {
            listsEveryPage(server.endpoint);
        } finally {
            server.stop();
        }
    }

    static void listsEveryPage(String endpoint) throws Exception {
        DynamoDbClient ddb = LocalDynamo.client(endpoint);
        // 105 tables: ListTables pages hold at most 100 names.
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            String t = String.format("page-%03d-%d", i, ProcessHandle.current().pid());
            ddb.createTable(c -> c.tableName(t)
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .billingMode("PAY_PER_REQUEST"));
            made.add(t);
        }
        Set<String> expected = new HashSet<>();
        ddb.listTablesPaginator().tableNames().forEach(expected::add);
        assertEquals(105, expected.size());

        var text = Cli.script("list-tables", "--output", "text", "--endpoint-url", endpoint).run();
        assertEquals(0, text.exit(), text::toString);
        assertEquals(expected, new HashSet<>(text.out().lines().toList()));

        var json = Cli.script("list-tables", "-o", "json", "--endpoint-url", endpoint).run();
        assertEquals(0, json.exit(), json::toString);
        List<String> fromJson = new ObjectMapper().readerForListOf(String.class).readValue(json.out());
        assertEquals(expected, new HashSet<>(fromJson));
        assertEquals(expected.size(), fromJson.size(), "no duplicates across pages");

        var table = Cli.script("list-tables", "--endpoint-url", endpoint).run();
        assertEquals(0, table.exit(), table::toString);
        assertTrue(table.out().startsWith("+"), table::toString);
        assertTrue(table.out().contains("ListTables"), table::toString);
        for (String t : made) assertTrue(table.out().contains("| " + t + " "), t);

        made.forEach(t -> ddb.deleteTable(d -> d.tableName(t)));
    }

    @Test
    void unknownOutputFormatIsAUsageError() {
        var r = Cli.local("list-tables", "-o", "jsonl").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("Invalid value for option '--output': expected one of [table, json, text]"), r::toString);
    }
}
