package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Year;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The capacity fronts are test infrastructure, but a front that does not behave like DynamoDB makes every test and
 * benchmark built on it meaningless. Expected figures come from DynamoDB's developer guide ("DynamoDB item sizes and
 * formats", "read and write operations": its own examples where it gives some), worked out here, never from the front.
 */
@Isolated("asserts token-bucket timing and an app client's call rate")
class CapacityFrontTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String INDEX = "message-group-sk-index";
    static final DynamoDbClient local = LocalDynamo.client();
    static String table;

    /** A messages-shaped table with the app's GSI (projection ALL), and items of exactly known sizes. */
    @BeforeAll
    static void items() {
        table = LocalDynamo.uniqueTable("front");
        local.createTable(t -> t.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE"))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"), a -> a.attributeName("sk").attributeType("S"),
                        a -> a.attributeName("message_group_uuid").attributeType("S"))
                .globalSecondaryIndexes(g -> g.indexName(INDEX).projection(p -> p.projectionType("ALL"))
                        .keySchema(k -> k.attributeName("message_group_uuid").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE"))));
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        items.add(sized("P#get", "a", 1536));            // 1.5 KB
        items.add(sized("P#get", "b", 6656));            // 6.5 KB
        for (int i = 0; i < 10; i++) items.add(sized("P#query", "q" + i, 4178)); // 10 items, 40.8 KB together
        for (int i = 0; i < 100; i++) items.add(sized("P#big", String.format("b%03d", i), 4096)); // 400 KB
        for (int i = 0; i < 3; i++) {
            var group = sized("GRP#someone", "2026-0" + (i + 1), 1000);
            group.put("message_group_uuid", AttributeValue.fromS("G1"));
            items.add(group);
        }
        Tables.putAll(local, table, items);
    }

    /** An item of exactly `bytes` by DynamoDB's count: names and values of strings are their UTF-8 bytes. */
    static Map<String, AttributeValue> sized(String pk, String sk, int bytes) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(pk));
        item.put("sk", AttributeValue.fromS(sk));
        int fixed = "pk".length() + pk.length() + "sk".length() + sk.length() + "data".length();
        item.put("data", AttributeValue.fromS("x".repeat(bytes - fixed)));
        return item;
    }

    static DynamoDbClient client(String endpoint, String region) {
        return DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    static Map<String, AttributeValue> pk(String value) {
        return Map.of(":p", AttributeValue.fromS(value));
    }

    @Test
    void itemSizesFollowTheDocumentedFormula() throws Exception {
        // Strings: name + UTF-8 bytes ("é" is 2). Numbers: name + 1 byte per two significant digits + 1, leading and
        // trailing zeros trimmed. Binary: raw bytes. Null and Boolean: name + 1. List and Map: name + 3 + per element
        // 1 + its size (and a map's key).
        assertEquals(2 + 4, CapacityFront.size(JSON.readTree("{\"ab\": {\"S\": \"déf\"}}")));
        assertEquals(1 + (3 + 1), CapacityFront.size(JSON.readTree("{\"n\": {\"N\": \"12345\"}}")));
        assertEquals(1 + (1 + 1), CapacityFront.size(JSON.readTree("{\"n\": {\"N\": \"-0.0100\"}}")));
        assertEquals(1 + 3, CapacityFront.size(JSON.readTree("{\"b\": {\"B\": \"AQID\"}}")));
        assertEquals(4 + 1 + 4 + 1, CapacityFront.size(JSON.readTree("{\"flag\": {\"BOOL\": true}, \"none\": {\"NULL\": true}}")));
        assertEquals(1 + 3 + (1 + 1) + (1 + 2), CapacityFront.size(JSON.readTree("{\"l\": {\"L\": [{\"S\": \"x\"}, {\"N\": \"7\"}]}}")));
        assertEquals(1 + 3 + (1 + 1 + 2), CapacityFront.size(JSON.readTree("{\"m\": {\"M\": {\"k\": {\"S\": \"vv\"}}}}")));
        assertEquals(1 + 3, CapacityFront.size(JSON.readTree("{\"m\": {\"M\": {}}}")));
        assertEquals(2 + (1 + 2), CapacityFront.size(JSON.readTree("{\"ss\": {\"SS\": [\"a\", \"bc\"]}}")));
        // The fixture's own arithmetic, checked once.
        Map<String, AttributeValue> item = sized("P#get", "a", 1536);
        String json = "{\"pk\": {\"S\": \"P#get\"}, \"sk\": {\"S\": \"a\"}, \"data\": {\"S\": \"" + item.get("data").s() + "\"}}";
        assertEquals(1536, CapacityFront.size(JSON.readTree(json)));
    }

    @Test
    void readsCostWhatDynamoDbsRulesSayAndConsumedCapacityTellsIt() throws Exception {
        try (CapacityFront front = CapacityFront.provisioned(LocalDynamo.endpoint(), 1000, 1000);
             DynamoDbClient ddb = client(front.endpoint(), "us-east-1")) {
            var total = ReturnConsumedCapacity.TOTAL;
            // GetItem: the item rounded up to 4 KB; half when eventually consistent; a missing item costs as a 4 KB one.
            assertEquals(1.0, ddb.getItem(g -> g.tableName(table).key(key("P#get", "a")).consistentRead(true)
                    .returnConsumedCapacity(total)).consumedCapacity().capacityUnits());
            assertEquals(0.5, ddb.getItem(g -> g.tableName(table).key(key("P#get", "a")).returnConsumedCapacity(total))
                    .consumedCapacity().capacityUnits());
            assertEquals(2.0, ddb.getItem(g -> g.tableName(table).key(key("P#get", "b")).consistentRead(true)
                    .projectionExpression("pk").returnConsumedCapacity(total)).consumedCapacity().capacityUnits(),
                    "a projection does not make the read cheaper");
            assertEquals(1.0, ddb.getItem(g -> g.tableName(table).key(key("P#get", "nothing")).consistentRead(true)
                    .returnConsumedCapacity(total)).consumedCapacity().capacityUnits());
            // BatchGetItem: each item rounded on its own: 1.5 KB + 6.5 KB is 4 KB + 8 KB (the guide's example).
            var batch = ddb.batchGetItem(b -> b.returnConsumedCapacity(total).requestItems(Map.of(table, KeysAndAttributes.builder()
                    .keys(key("P#get", "a"), key("P#get", "b")).consistentRead(true).projectionExpression("sk").build())));
            assertEquals(2, batch.responses().get(table).size());
            assertEquals(3.0, batch.consumedCapacity().get(0).capacityUnits());
            assertEquals(table, batch.consumedCapacity().get(0).tableName());
            // Query: the items' sizes added up, then rounded: 10 items of 40.8 KB are 44 KB (the guide's example).
            assertEquals(11.0, ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(pk("P#query"))
                    .consistentRead(true).returnConsumedCapacity(total)).consumedCapacity().capacityUnits());
            assertEquals(5.5, ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(pk("P#query"))
                    .returnConsumedCapacity(total)).consumedCapacity().capacityUnits());
            // What was evaluated counts, not what came back: a filter that keeps nothing, a count, a projection.
            var filtered = ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :p").filterExpression("#d = :none")
                    .expressionAttributeNames(Map.of("#d", "data"))
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("P#query"), ":none", AttributeValue.fromS("zz")))
                    .returnConsumedCapacity(total));
            assertEquals(0, filtered.count());
            assertEquals(10, filtered.scannedCount());
            assertEquals(5.5, filtered.consumedCapacity().capacityUnits());
            assertEquals(5.5, ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(pk("P#query"))
                    .select("COUNT").returnConsumedCapacity(total)).consumedCapacity().capacityUnits());
            assertEquals(5.5, ddb.query(q -> q.tableName(table).keyConditionExpression("#k = :p").expressionAttributeValues(pk("P#query"))
                    .expressionAttributeNames(Map.of("#k", "pk", "#s", "sk")).projectionExpression("#s")
                    .returnConsumedCapacity(total)).consumedCapacity().capacityUnits());
            // Limit bounds what is read: 3 items of 4,178 bytes are 12,534 bytes, 4 units strongly consistent.
            assertEquals(4.0, ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(pk("P#query"))
                    .limit(3).consistentRead(true).returnConsumedCapacity(total)).consumedCapacity().capacityUnits());
            // Nothing found still costs a read.
            assertEquals(0.5, ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(pk("P#none"))
                    .returnConsumedCapacity(total)).consumedCapacity().capacityUnits());
            // An index: eventually consistent, charged to the index, split out with INDEXES.
            var indexed = ddb.query(q -> q.tableName(table).indexName(INDEX).keyConditionExpression("message_group_uuid = :p")
                    .expressionAttributeValues(pk("G1")).returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
            assertEquals(0.5, indexed.capacityUnits());
            assertEquals(0.0, indexed.table().capacityUnits());
            assertEquals(0.5, indexed.globalSecondaryIndexes().get(INDEX).capacityUnits());
            // Without ReturnConsumedCapacity, none in the answer.
            assertNull(ddb.getItem(g -> g.tableName(table).key(key("P#get", "a"))).consumedCapacity());
            // Writes: each item rounded to 1 KB: 500 bytes and 3.5 KB are 1 + 4 units (the guide's example).
            String writes = LocalDynamo.uniqueTable("front-writes");
            local.createTable(t -> t.tableName(writes).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE"))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"), a -> a.attributeName("sk").attributeType("S")));
            var written = ddb.batchWriteItem(b -> b.returnConsumedCapacity(total).requestItems(Map.of(writes, List.of(
                    WriteRequest.builder().putRequest(p -> p.item(sized("W", "small", 500))).build(),
                    WriteRequest.builder().putRequest(p -> p.item(sized("W", "large", 3584))).build()))));
            assertEquals(5.0, written.consumedCapacity().get(0).capacityUnits());
            assertEquals(2, LocalDynamo.scanAll(local, writes).size());
            // Every read above: 1 + 0.5 + 2 + 1 (GetItem), 3 (BatchGetItem), 11 + 4 x 5.5 + 4 + 0.5 (Query), 0.5 (index), 0.5.
            assertEquals(1 + 0.5 + 2 + 1 + 3 + 11 + 5.5 * 4 + 4 + 0.5 + 0.5 + 0.5, front.reads().units(), 1e-9, front::report);
            assertEquals(5.0, front.writes().units(), 1e-9, front::report);
        }
    }

    @Test
    void aScanChargesWhatItEvaluatedInOnePage() throws Exception {
        // The guide: "If a query returns 1500 items of 64 bytes each, the cumulative size is 96 KB": 24 units.
        String scanned = LocalDynamo.uniqueTable("front-scan");
        local.createTable(t -> t.tableName(scanned).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE"))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"), a -> a.attributeName("sk").attributeType("S")));
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < 1500; i++) items.add(sized("S" + (i % 7), String.format("%05d", i), 64));
        Tables.putAll(local, scanned, items);
        try (CapacityFront front = CapacityFront.provisioned(LocalDynamo.endpoint(), 1000, 1000);
             DynamoDbClient ddb = client(front.endpoint(), "us-east-1")) {
            var page = ddb.scan(s -> s.tableName(scanned).consistentRead(true).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            assertEquals(1500, page.count());
            assertEquals(24.0, page.consumedCapacity().capacityUnits());
            var none = ddb.scan(s -> s.tableName(scanned).filterExpression("pk = :p").expressionAttributeValues(pk("nothing"))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            assertEquals(0, none.count());
            assertEquals(12.0, none.consumedCapacity().capacityUnits(), "filtered out is still read");
        }
    }

    @Test
    void aBigReadOverdrawsAndWhoeverReadsNextIsThrottledUntilTheDebtIsPaid() throws Exception {
        try (CapacityFront front = CapacityFront.provisioned(LocalDynamo.endpoint(), 20, 20);
             DynamoDbClient ddb = client(front.endpoint(), "us-east-1")) {
            // 100 items of 4 KB: 50 units eventually consistent, from a bucket of 20: admitted, then 30 in debt.
            var page = ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(pk("P#big"))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            long paid = System.nanoTime();
            assertEquals(100, page.count());
            assertEquals(50.0, page.consumedCapacity().capacityUnits());
            var refused = assertThrows(ProvisionedThroughputExceededException.class,
                    () -> ddb.getItem(g -> g.tableName(table).key(key("P#get", "a"))));
            assertTrue(refused.isThrottlingException());
            // 30 units of debt at 20 a second: about 1.5 s before a read is admitted again.
            double waited = 0;
            while (true) {
                try {
                    ddb.getItem(g -> g.tableName(table).key(key("P#get", "a")));
                    waited = (System.nanoTime() - paid) / 1e9;
                    break;
                } catch (ProvisionedThroughputExceededException e) {
                    Thread.sleep(100);
                }
                assertTrue((System.nanoTime() - paid) / 1e9 < 30, "the debt is paid at last: " + front.report());
            }
            assertTrue(waited >= 1.0, "throttled until the debt is paid: admitted again after " + waited + " s; " + front.report());
            assertTrue(front.reads().throttled.get() >= 1, front::report);
            assertEquals(front.reads().calls.get() - front.reads().throttled.get(), 2, "two reads admitted: " + front.report());
            // A BatchGetItem of a table in debt: every key handed back, so the call is refused.
            Thread.sleep(1500);
            ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(pk("P#big")));
            assertThrows(ProvisionedThroughputExceededException.class, () -> ddb.batchGetItem(b -> b.requestItems(
                    Map.of(table, KeysAndAttributes.builder().keys(key("P#get", "a")).build()))));
        }
    }

    @Test
    void describeTableReportsEachBillingModeAsAwsDoes() throws Exception {
        try (CapacityFront front = CapacityFront.provisioned(LocalDynamo.endpoint(), 30, 20).index(INDEX, 7, 5);
             DynamoDbClient ddb = client(front.endpoint(), "eu-west-1")) {
            TableDescription t = ddb.describeTable(d -> d.tableName(table)).table();
            assertEquals("arn:aws:dynamodb:eu-west-1:123456789012:table/" + table, t.tableArn(), "a real region and account");
            assertNull(t.billingModeSummary(), "a table created provisioned has no billing mode summary");
            assertEquals(30L, t.provisionedThroughput().readCapacityUnits());
            assertEquals(20L, t.provisionedThroughput().writeCapacityUnits());
            assertNull(t.onDemandThroughput());
            var index = t.globalSecondaryIndexes().get(0);
            assertEquals(7L, index.provisionedThroughput().readCapacityUnits());
            assertEquals(5L, index.provisionedThroughput().writeCapacityUnits());
            assertEquals("arn:aws:dynamodb:eu-west-1:123456789012:table/" + table + "/index/" + INDEX, index.indexArn());
        }
        try (CapacityFront front = CapacityFront.onDemand(LocalDynamo.endpoint());
             DynamoDbClient ddb = client(front.endpoint(), "us-east-1")) {
            TableDescription t = ddb.describeTable(d -> d.tableName(table)).table();
            assertEquals(BillingMode.PAY_PER_REQUEST, t.billingModeSummary().billingMode());
            assertEquals(0L, t.provisionedThroughput().readCapacityUnits());
            assertEquals(0L, t.provisionedThroughput().writeCapacityUnits());
            assertNull(t.onDemandThroughput(), "no maximum");
            assertEquals(0L, t.globalSecondaryIndexes().get(0).provisionedThroughput().readCapacityUnits());
        }
        try (CapacityFront front = CapacityFront.onDemand(LocalDynamo.endpoint(), 10, CapacityFront.UNLIMITED);
             DynamoDbClient ddb = client(front.endpoint(), "us-east-1")) {
            TableDescription t = ddb.describeTable(d -> d.tableName(table)).table();
            assertEquals(BillingMode.PAY_PER_REQUEST, t.billingModeSummary().billingMode());
            assertEquals(10L, t.onDemandThroughput().maxReadRequestUnits());
            assertEquals(-1L, t.onDemandThroughput().maxWriteRequestUnits(), "no write maximum: -1, as AWS reports it");
            assertEquals(10L, t.globalSecondaryIndexes().get(0).onDemandThroughput().maxReadRequestUnits());
        }
        try (CapacityFront front = CapacityFront.hidden(LocalDynamo.endpoint(), 5, 20);
             DynamoDbClient ddb = client(front.endpoint(), "us-east-1")) {
            TableDescription t = ddb.describeTable(d -> d.tableName(table)).table();
            assertEquals(BillingMode.PAY_PER_REQUEST, t.billingModeSummary().billingMode());
            assertEquals(0L, t.provisionedThroughput().writeCapacityUnits());
            assertNull(t.onDemandThroughput(), "the limit is not announced");
        }
        // The short form the seed and import tests use: provisioned WCU, reads as good as unmetered.
        try (FaultProxy front = FaultProxy.capacity(LocalDynamo.endpoint(), 20); DynamoDbClient ddb = client(front.endpoint(), "us-east-1")) {
            TableDescription t = ddb.describeTable(d -> d.tableName(table)).table();
            assertEquals(20L, t.provisionedThroughput().writeCapacityUnits());
            assertEquals((long) CapacityFront.UNMETERED, t.provisionedThroughput().readCapacityUnits());
            for (int i = 0; i < 5; i++) ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(pk("P#big")));
        }
    }

    @Test
    void aHiddenLimitRefusesWritesWhileDescribeTableSaysOnDemand() throws Exception {
        String writes = LocalDynamo.uniqueTable("front-hidden");
        local.createTable(t -> t.tableName(writes).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE"))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"), a -> a.attributeName("sk").attributeType("S")));
        try (CapacityFront front = CapacityFront.hidden(LocalDynamo.endpoint(), CapacityFront.UNLIMITED, 20);
             DynamoDbClient ddb = client(front.endpoint(), "us-east-1")) {
            assertEquals(BillingMode.PAY_PER_REQUEST, ddb.describeTable(d -> d.tableName(writes)).table().billingModeSummary().billingMode());
            // Items of 20 KB cost 20 units each: a full bucket takes one, and the next call, within the second, none.
            List<WriteRequest> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) batch.add(WriteRequest.builder().putRequest(p -> p.item(sized("H", "first" + batch.size(), 20480))).build());
            var first = ddb.batchWriteItem(b -> b.requestItems(Map.of(writes, batch)));
            assertEquals(24, first.unprocessedItems().get(writes).size(), "one write of 20 units fits a full bucket of 20");
            List<WriteRequest> more = new ArrayList<>();
            for (int i = 0; i < 25; i++) more.add(WriteRequest.builder().putRequest(p -> p.item(sized("H", "more" + more.size(), 20480))).build());
            var refused = assertThrows(AwsServiceException.class, () -> ddb.batchWriteItem(b -> b.requestItems(Map.of(writes, more))));
            assertEquals("ThrottlingException", refused.awsErrorDetails().errorCode(), "as an on-demand table's hot partition answers");
            assertTrue(refused.isThrottlingException());
            assertEquals(1, LocalDynamo.scanAll(local, writes).size(), "what was refused was not written");
            assertEquals(2, front.writes().throttled.get(), front::report);
            assertEquals(20.0, front.writes().units(), 1e-9, front::report);
            // Reads are not limited here.
            for (int i = 0; i < 3; i++) ddb.scan(s -> s.tableName(table));
        }
    }

    @Test
    void anOnDemandMaximumThrottlesReadsBeyondIt() throws Exception {
        try (CapacityFront front = CapacityFront.onDemand(LocalDynamo.endpoint(), 10, CapacityFront.UNLIMITED);
             DynamoDbClient ddb = client(front.endpoint(), "us-east-1")) {
            ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(pk("P#big")));
            var refused = assertThrows(AwsServiceException.class, () -> ddb.getItem(g -> g.tableName(table).key(key("P#get", "a"))));
            assertEquals("ThrottlingException", refused.awsErrorDetails().errorCode());
            assertTrue(refused.getMessage().contains("OnDemandThroughput"), refused::getMessage);
        }
    }

    @Test
    void theAppClientCountsItsThrottlesAndTheFrontMetersItApart() throws Exception {
        String app = LocalDynamo.uniqueTable("front-app");
        local.createTable(t -> t.tableName(app).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE"))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"), a -> a.attributeName("sk").attributeType("S")));
        String user = "7e6d1a4b-0c2f-4f3e-9a51-2b8c4d6e8f01";
        String year = String.valueOf(Year.now().getValue());
        List<Map<String, AttributeValue>> groups = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            groups.add(Map.of("pk", AttributeValue.fromS("GRP#" + user), "sk", AttributeValue.fromS(year + "-0" + (i + 1) + "-01T00:00:00.000000+00:00"),
                    "message_group_uuid", AttributeValue.fromS("group-" + i), "message", AttributeValue.fromS("hello " + i),
                    "user_uuid", AttributeValue.fromS("other-" + i), "user_display_name", AttributeValue.fromS("Other " + i),
                    "user_handle", AttributeValue.fromS("other" + i)));
        }
        Tables.putAll(local, app, groups);
        // The app's query, once: newest first, the app's fields.
        try (AppClient once = AppClient.of(LocalDynamo.endpoint(), app, user)) {
            var list = once.listMessageGroups();
            assertEquals(3, list.size());
            assertEquals("group-2", list.get(0).get("uuid"));
            assertEquals(Map.of("uuid", "group-2", "display_name", "Other 2", "handle", "other2", "message", "hello 2",
                    "created_at", year + "-03-01T00:00:00.000000+00:00"), list.get(0));
        }
        // 5 calls a second of 0.5 unit each against 1 RCU: the app is throttled, and counts it.
        try (CapacityFront front = CapacityFront.provisioned(LocalDynamo.endpoint(), 1, 1)) {
            AppClient client = AppClient.start(front.endpoint(), app, user, 5);
            Thread.sleep(3000);
            client.close();
            System.out.println("app at 5/s against 1 RCU: " + client.report() + "; front: " + front.report());
            assertTrue(client.calls() >= 10, client::report);
            assertEquals(client.calls(), client.ok() + client.throttled() + client.errors(), client::report);
            assertTrue(client.throttled() > 0 && client.ok() > 0, client::report);
            assertEquals(0, client.errors(), client::report);
            assertEquals(3L * client.ok(), client.items(), client::report);
            assertEquals(client.calls(), front.appReads().calls.get(), "the front knows the app's calls: " + front.report());
            assertEquals(client.throttled(), front.appReads().throttled.get(), front::report);
            assertEquals(0, front.reads().calls.get(), "the tool did not read: " + front.report());
        }
        // The same app against a table with room: never throttled.
        try (CapacityFront front = CapacityFront.provisioned(LocalDynamo.endpoint(), 100, 1)) {
            AppClient client = AppClient.start(front.endpoint(), app, user, 5);
            Thread.sleep(2000);
            client.close();
            assertTrue(client.calls() >= 6, client::report);
            assertEquals(0, client.throttled(), client::report);
            assertEquals(client.calls(), client.ok(), client::report);
        }
    }

    /** boto3 through the front sees the same consumed capacity and the same refusals: the wire format is right. */
    @Test
    void boto3SeesTheSameConsumedCapacityAndRefusals() throws Exception {
        boolean boto3 = new ProcessBuilder("python3", "-c", "import boto3").start().waitFor() == 0;
        if (!boto3) System.out.println("NOTE: python3 with boto3 is absent; the boto3 cross-check is skipped");
        Assumptions.assumeTrue(boto3, "python3 with boto3 is absent");
        Path script = Files.createTempFile("front-boto3", ".py");
        Files.writeString(script, """
                import json, sys
                import boto3
                from botocore.config import Config
                endpoint, table = sys.argv[1:3]
                ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x",
                                   aws_secret_access_key="x", config=Config(retries={"total_max_attempts": 1}))
                out = {}
                r = ddb.query(TableName=table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "P#query"}},
                              ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
                out["query"] = r["ConsumedCapacity"]["CapacityUnits"]
                r = ddb.batch_get_item(RequestItems={table: {"Keys": [{"pk": {"S": "P#get"}, "sk": {"S": "a"}},
                                                                    {"pk": {"S": "P#get"}, "sk": {"S": "b"}}], "ConsistentRead": True}},
                                       ReturnConsumedCapacity="TOTAL")
                out["batch"] = r["ConsumedCapacity"][0]["CapacityUnits"]
                r = ddb.query(TableName=table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "P#big"}},
                              ConsistentRead=True, ReturnConsumedCapacity="INDEXES")
                out["big"] = r["ConsumedCapacity"]["Table"]["CapacityUnits"]
                try:
                    ddb.get_item(TableName=table, Key={"pk": {"S": "P#get"}, "sk": {"S": "a"}})
                    out["refused"] = None
                except ddb.exceptions.ProvisionedThroughputExceededException as e:
                    out["refused"] = e.response["Error"]["Code"]
                    out["reason"] = e.response.get("ThrottlingReasons", [{}])[0].get("reason")
                d = ddb.describe_table(TableName=table)["Table"]
                out["arn"] = d["TableArn"]
                out["rcu"] = d["ProvisionedThroughput"]["ReadCapacityUnits"]
                print(json.dumps(out))
                """);
        try (CapacityFront front = CapacityFront.provisioned(LocalDynamo.endpoint(), 20, 10)) {
            Process p = new ProcessBuilder("python3", script.toString(), front.endpoint(), table).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes()).trim();
            assertEquals(0, p.waitFor(), output);
            JsonNode got = JSON.readTree(output.substring(output.lastIndexOf('\n') + 1));
            assertEquals(11.0, got.get("query").asDouble(), output);
            assertEquals(3.0, got.get("batch").asDouble(), output);
            assertEquals(100.0, got.get("big").asDouble(), output);
            assertEquals("ProvisionedThroughputExceededException", got.get("refused").asText(), output);
            assertEquals("TableReadProvisionedThroughputExceeded", got.get("reason").asText(), output);
            assertEquals("arn:aws:dynamodb:us-east-1:123456789012:table/" + table, got.get("arn").asText(), output);
            assertEquals(20, got.get("rcu").asInt(), output);
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
