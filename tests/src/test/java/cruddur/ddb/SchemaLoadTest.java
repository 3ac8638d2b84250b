package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

class SchemaLoadTest {
    final DynamoDbClient ddb = LocalDynamo.client();

    @Test
    void createsTheTableExactlyAsTheOriginal() {
        String table = LocalDynamo.uniqueTable("schema");
        var r = Cli.local("schema-load", "--table", table).run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Created table " + table), r::toString);
        assertTrue(r.err().contains("Creating table " + table + " at local"), "names the target before writing: " + r);

        TableDescription t = ddb.describeTable(d -> d.tableName(table)).table();
        assertEquals(TableStatus.ACTIVE, t.tableStatus());
        assertEquals("pk", t.keySchema().get(0).attributeName());
        assertEquals(KeyType.HASH, t.keySchema().get(0).keyType());
        assertEquals("sk", t.keySchema().get(1).attributeName());
        assertEquals(KeyType.RANGE, t.keySchema().get(1).keyType());
        assertEquals(5L, t.provisionedThroughput().readCapacityUnits());
        assertEquals(5L, t.provisionedThroughput().writeCapacityUnits());
        assertTrue(t.attributeDefinitions().stream().allMatch(a -> a.attributeTypeAsString().equals("S")));
        assertTrue(t.globalSecondaryIndexes().isEmpty());
    }

    @Test
    void tableNameComesFromTheEnvironment() {
        String table = LocalDynamo.uniqueTable("schema-env");
        var r = Cli.local("schema-load").env("DDB_MESSAGE_TABLE", table).run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(LocalDynamo.tableExists(ddb, table));
    }

    @Test
    void createTwiceFailsClearlyUnlessIfNotExists() {
        String table = LocalDynamo.uniqueTable("schema-twice");
        assertEquals(0, Cli.local("schema-load", "--table", table).run().exit());
        var again = Cli.local("schema-load", "--table", table).run();
        assertEquals(1, again.exit(), again::toString);
        assertTrue(again.err().contains("Table " + table + " already exists"), again::toString);
        assertFalse(again.err().contains("Exception"), "no stack trace: " + again);

        var tolerant = Cli.local("schema-load", "--table", table, "--if-not-exists").run();
        assertEquals(0, tolerant.exit(), tolerant::toString);
        assertTrue(tolerant.err().contains("already exists"), tolerant::toString);
    }

    @Test
    void payPerRequestWithGsiAndJsonOutput() throws Exception {
        String table = LocalDynamo.uniqueTable("schema-gsi");
        var r = Cli.local("schema-load", "--table", table, "--billing-mode", "PAY_PER_REQUEST", "--gsi", "-o", "json").run();
        assertEquals(0, r.exit(), r::toString);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(table, json.at("/TableDescription/TableName").asText());
        assertEquals("message-group-sk-index", json.at("/TableDescription/GlobalSecondaryIndexes/0/IndexName").asText());

        TableDescription t = ddb.describeTable(d -> d.tableName(table)).table();
        assertEquals(BillingMode.PAY_PER_REQUEST, t.billingModeSummary().billingMode());
        var gsi = t.globalSecondaryIndexes().get(0);
        assertEquals("message_group_uuid", gsi.keySchema().get(0).attributeName());
        assertEquals("sk", gsi.keySchema().get(1).attributeName());
        assertEquals("ALL", gsi.projection().projectionTypeAsString());
    }

    @Test
    void customCapacity() {
        String table = LocalDynamo.uniqueTable("schema-cap");
        var r = Cli.local("schema-load", "--table", table, "--rcu", "7", "--wcu", "3").run();
        assertEquals(0, r.exit(), r::toString);
        var pt = ddb.describeTable(d -> d.tableName(table)).table().provisionedThroughput();
        assertEquals(7L, pt.readCapacityUnits());
        assertEquals(3L, pt.writeCapacityUnits());
    }

    @Test
    void badBillingModeIsAUsageErrorAndCreatesNothing() {
        String table = LocalDynamo.uniqueTable("schema-bad");
        var r = Cli.local("schema-load", "--table", table, "--billing-mode", "FREE").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("Invalid value for option '--billing-mode': expected one of [PROVISIONED, PAY_PER_REQUEST]"), r::toString);
        assertFalse(LocalDynamo.tableExists(ddb, table));
    }

    @Test
    void tableNameDynamoDbRejectsIsOneLine() {
        var r = Cli.local("schema-load", "--table", "x!").run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("ValidationException"), r::toString);
        assertEquals(2, r.err().lines().count(), "target line plus one error line: " + r);
    }
}
