package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Year;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** list-conversations and get-conversation against the app's own queries, made here with the SDK. */
class PatternsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ANDREW = "7e6d1a4b-0c2f-4f3e-9a51-2b8c4d6e8f01";
    static final String BAYKO_GROUP = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399";
    static final String YEAR = String.valueOf(Year.now().getValue());
    static String table;
    final DynamoDbClient ddb = LocalDynamo.client();

    @BeforeAll
    static void seeded() {
        table = Tables.fresh("patterns");
        var r = Cli.local("seed", "--table", table, "--now", YEAR + "-06-15T12:00:00.000000+00:00").run();
        assertEquals(0, r.exit(), r::toString);
    }

    /** An SDK item list in DynamoDB JSON, the form --output json prints. */
    static JsonNode dynamoJson(List<Map<String, AttributeValue>> items) {
        var array = JSON.createArrayNode();
        for (var item : items) {
            var node = JSON.createObjectNode();
            item.forEach((k, v) -> node.set(k, JSON.createObjectNode().put("S", v.s())));
            array.add(node);
        }
        return array;
    }

    QueryResponse appQuery(String pk, boolean newestFirst, Integer limit) {
        return ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                .scanIndexForward(!newestFirst).limit(limit));
    }

    @Test
    void listConversationsMatchesTheAppsQuery() throws Exception {
        var r = Cli.local("patterns/list-conversations", "--table", table, "-o", "dynamodb-json").run();
        assertEquals(0, r.exit(), r::toString);
        JsonNode got = JSON.readTree(r.out());
        QueryResponse want = appQuery("GRP#" + ANDREW, true, null);
        assertEquals(2, want.count(), "andrewbrown has two seeded conversations");
        assertEquals(dynamoJson(want.items()), got.get("Items"), "same items, newest first");
        assertEquals(2, got.get("Count").asInt());
        assertEquals(2, got.get("ScannedCount").asInt());
        assertTrue(got.at("/ConsumedCapacity/CapacityUnits").isNumber(), r::toString);
        assertEquals("bayko", got.at("/Items/0/user_handle/S").asText(), "the newest conversation first");
    }

    @Test
    void jsonIsPlainAndDynamodbJsonIsTyped() throws Exception {
        // -o json meant DynamoDB JSON here before it meant plain JSON in every script: the same response, values plain.
        var typed = Cli.local("patterns/list-conversations", "--table", table, "-o", "dynamodb-json").run();
        var plain = Cli.local("patterns/list-conversations", "--table", table, "-o", "json").run();
        assertEquals(0, typed.exit(), typed::toString);
        assertEquals(0, plain.exit(), plain::toString);
        String closing = "Read 2 conversations of user " + ANDREW + ": 0.5 read capacity units consumed";
        assertEquals(closing, typed.err(), "no note for the new name, the closing line only: " + typed);
        assertEquals("list-conversations: note: -o json now prints the items in plain JSON; -o dynamodb-json prints "
                + "them in DynamoDB JSON, as -o json did before.\n" + closing, plain.err(), "one line for one release: "
                + plain);
        JsonNode t = JSON.readTree(typed.out()), p = JSON.readTree(plain.out());
        assertEquals(t.get("Count"), p.get("Count"));
        assertEquals(t.get("ConsumedCapacity"), p.get("ConsumedCapacity"));
        assertEquals(2, p.get("Items").size());
        for (int i = 0; i < 2; i++) {
            var names = t.get("Items").get(i).fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                assertEquals(t.at("/Items/" + i + "/" + name + "/S").asText(), p.at("/Items/" + i + "/" + name).asText(), name);
            }
        }
        var conversation = Cli.local("patterns/get-conversation", "--table", table, "--limit", "3", "-o", "json").run();
        assertEquals(0, conversation.exit(), conversation::toString);
        assertTrue(JSON.readTree(conversation.out()).at("/Items/0/message").isTextual(), conversation::toString);
        assertTrue(JSON.readTree(conversation.out()).at("/LastEvaluatedKey/pk").isTextual(), conversation::toString);
    }

    @Test
    void listConversationsTableShowsWhoWhenWhatAndTheUuid() {
        var r = Cli.local("patterns/list-conversations", "bayko", "--table", table).env("TZ", "UTC").run();
        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith("HANDLE"), r::toString);
        assertTrue(lines.get(1).startsWith("andrewbrown  Andrew Brown  " + YEAR + "-06-15 12:00 PM  See you there."), r::toString);
        assertTrue(lines.get(1).endsWith(BAYKO_GROUP), r::toString);
    }

    @Test
    void listConversationsOfAnotherYearIsEmpty() throws Exception {
        var r = Cli.local("patterns/list-conversations", "--table", table, "--year", "1999", "-o", "json").run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals(0, JSON.readTree(r.out()).get("Count").asInt());
        var text = Cli.local("patterns/list-conversations", "--table", table, "--year", "1999").run();
        assertEquals(0, text.exit(), text::toString);
        assertTrue(text.err().contains("No conversations"), text::toString);
    }

    @Test
    void listConversationsSinceUntilAndLimit() throws Exception {
        var r = Cli.local("patterns/list-conversations", "--table", table, "--since", YEAR + "-06-15T11:30:00Z",
                "--until", YEAR + "-06-15", "-o", "json").run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, JSON.readTree(r.out()).get("Count").asInt(), "only the conversation ending at 12:00");
        var limited = Cli.local("patterns/list-conversations", "--table", table, "--limit", "1", "-o", "json").run();
        JsonNode one = JSON.readTree(limited.out());
        assertEquals(1, one.get("Count").asInt());
        assertTrue(one.has("LastEvaluatedKey"), "more remain: " + limited.out());
    }

    @Test
    void getConversationMatchesTheAppsQuery() throws Exception {
        var r = Cli.local("patterns/get-conversation", "--table", table, "-o", "dynamodb-json").run();
        assertEquals(0, r.exit(), r::toString);
        JsonNode got = JSON.readTree(r.out());
        QueryResponse want = appQuery("MSG#" + BAYKO_GROUP, true, 20);
        assertEquals(dynamoJson(want.items()), got.get("Items"), "the newest 20, newest first, as DynamoDB returns them");
        assertEquals(20, got.get("Count").asInt());
        assertTrue(got.has("LastEvaluatedKey"));

        var everything = Cli.local("patterns/get-conversation", BAYKO_GROUP, "--table", table, "--all", "-o", "dynamodb-json").run();
        JsonNode all = JSON.readTree(everything.out());
        QueryResponse wantAll = appQuery("MSG#" + BAYKO_GROUP, true, null);
        assertEquals(dynamoJson(wantAll.items()), all.get("Items"));
        assertTrue(all.get("Count").asInt() > 20);
        assertFalse(all.has("LastEvaluatedKey"));
    }

    @Test
    void transcriptIsOldestFirstWithLocalTimes() {
        var r = Cli.local("patterns/get-conversation", "--table", table, "--limit", "3").env("TZ", "UTC").env("COLUMNS", "200").run();
        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of(
                "andrewbrown " + YEAR + "-06-15 11:58 AM  You'll know why everyone quotes it. Enjoy!",
                "bayko       " + YEAR + "-06-15 11:59 AM  Thanks Andrew. See you at the next stream.",
                "andrewbrown " + YEAR + "-06-15 12:00 PM  See you there. Bring questions about partition keys."), lines);

        var narrow = Cli.local("patterns/get-conversation", "--table", table, "--limit", "3").env("COLUMNS", "60").run();
        assertTrue(narrow.out().lines().allMatch(l -> l.length() <= 60), narrow::toString);
        assertTrue(narrow.out().contains("…"), narrow::toString);

        var wide = Cli.local("patterns/get-conversation", "--table", table, "--limit", "3", "--wide").env("COLUMNS", "60").run();
        assertTrue(wide.out().lines().count() > 3, "whole messages wrap: " + wide);
        assertTrue(wide.out().replaceAll("\\s+", " ").contains("Thanks Andrew. See you at the next stream."), wide::toString);
    }

    @Test
    void limitIsHonouredAcrossPages() throws Exception {
        // 30 messages of 100 KB: a Query page stops at 1 MB, so 25 messages need three pages.
        String group = "0f0f0f0f-1111-4222-8333-444444444444";
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            var item = Tables.item("MSG#" + group, String.format("%s-03-01T10:%02d:00.000000+00:00", YEAR, i), "m" + i + " " + "z".repeat(100_000));
            item.put("user_handle", AttributeValue.fromS("bayko"));
            items.add(item);
        }
        Tables.putAll(ddb, table, items);
        var r = Cli.local("patterns/get-conversation", group, "--table", table, "--limit", "25", "-o", "json").run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals(25, JSON.readTree(r.out()).get("Items").size());
        var text = Cli.local("patterns/get-conversation", group, "--table", table, "--all").run();
        assertEquals(30, text.out().lines().count(), text::toString);
    }

    @Test
    void completeResultsThroughThrottlingDroppedConnectionsAndDelays() throws Exception {
        var direct = JSON.readTree(Cli.local("patterns/get-conversation", "--table", table, "--all", "-o", "json").run().out());
        var directList = JSON.readTree(Cli.local("patterns/list-conversations", "--table", table, "-o", "json").run().out());
        try (FaultProxy proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(
                new FaultProxy.Rule("Query", FaultProxy.Fault.THROTTLING, 2),
                new FaultProxy.Rule("Query", FaultProxy.Fault.DROP_CONNECTION, 3),
                new FaultProxy.Rule("Query", FaultProxy.Fault.DELAY, 5)))) {
            for (int i = 0; i < 3; i++) {
                var conversation = Cli.script("patterns/get-conversation", "--table", table, "--all", "-o", "json",
                        "--endpoint-url", proxy.endpoint()).run();
                assertEquals(0, conversation.exit(), conversation::toString);
                assertEquals(direct.get("Items"), JSON.readTree(conversation.out()).get("Items"));
                var list = Cli.script("patterns/list-conversations", "--table", table, "-o", "json", "--endpoint-url", proxy.endpoint()).run();
                assertEquals(0, list.exit(), list::toString);
                assertEquals(directList.get("Items"), JSON.readTree(list.out()).get("Items"));
            }
            System.out.println("patterns through the fault proxy: " + proxy.report());
            assertTrue(proxy.injected(FaultProxy.Fault.DROP_CONNECTION) > 0, proxy::report);
        }
        try (FaultProxy hopeless = new FaultProxy(LocalDynamo.endpoint(), List.of(
                new FaultProxy.Rule("Query", FaultProxy.Fault.PROVISIONED_THROUGHPUT_EXCEEDED, 1)))) {
            var r = Cli.script("patterns/get-conversation", "--table", table, "--endpoint-url", hopeless.endpoint())
                    .env("AWS_MAX_ATTEMPTS", "2").run();
            assertEquals(1, r.exit(), r::toString);
            assertEquals("get-conversation: DynamoDB refused the request (ProvisionedThroughputExceededException): "
                    + "The level of configured provisioned throughput for the table was exceeded.", r.err());
        }
    }

    @Test
    void emptyConversationIsANoteAndExitZero() {
        var r = Cli.local("patterns/get-conversation", "00000000-0000-4000-8000-00000000abcd", "--table", table).run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out());
        List<String> err = r.err().lines().toList();
        assertEquals("No messages in conversation 00000000-0000-4000-8000-00000000abcd.", err.get(0), r::toString);
        assertTrue(err.get(1).matches("Read 0 messages of conversation .*: [0-9.]+ read capacity units consumed"),
                "the closing line states the capacity: " + r);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        var uuid = Cli.local("patterns/get-conversation", "not-a-uuid", "--table", table).run();
        assertEquals(2, uuid.exit(), uuid::toString);
        assertTrue(uuid.err().startsWith("get-conversation: 'not-a-uuid' is not a message group UUID"), uuid::toString);

        var handle = Cli.local("patterns/list-conversations", "kosh", "--table", table).run();
        assertEquals(2, handle.exit(), handle::toString);
        assertTrue(handle.err().contains("unknown handle 'kosh' (known: andrewbrown, bayko, londo"), handle::toString);

        var userUuid = Cli.local("patterns/list-conversations", "--user-uuid", "12", "--table", table).run();
        assertEquals(2, userUuid.exit(), userUuid::toString);

        var limit = Cli.local("patterns/get-conversation", "--limit", "many", "--table", table).run();
        assertEquals(2, limit.exit(), limit::toString);

        var yearAndSince = Cli.local("patterns/get-conversation", "--year", "2026", "--since", "2026-01-01").run();
        assertEquals(2, yearAndSince.exit(), yearAndSince::toString);
        assertTrue(yearAndSince.err().contains("--year=YYYY and [[--since=WHEN] [--until=WHEN]] are mutually exclusive"), yearAndSince::toString);

        var allAndLimit = Cli.local("patterns/get-conversation", "--all", "--limit", "5", "--table", table).run();
        assertEquals(2, allAndLimit.exit(), "--all no longer silently wins over --limit: " + allAndLimit);
        assertTrue(allAndLimit.err().startsWith("get-conversation: Error: --limit=N, --all are mutually exclusive"), allAndLimit::toString);
        assertEquals("", allAndLimit.out(), allAndLimit::toString);
    }

    @Test
    void aMalformedUnrelatedConversationFileDoesNotBreakTheLookUps() throws Exception {
        Path seeds = Files.createTempDirectory("seeds");
        Files.createDirectories(seeds.resolve("conversations"));
        Files.copy(Cli.REPO.resolve("seeds/users.json"), seeds.resolve("users.json"));
        Files.copy(Cli.REPO.resolve("seeds/conversations/andrewbrown-bayko.json"), seeds.resolve("conversations/a.json"));
        Files.writeString(seeds.resolve("conversations/z-broken.json"), "{\"participants\": [[,");
        var list = Cli.local("patterns/list-conversations", "bayko", "--seeds", seeds.toString(), "--table", table).env("TZ", "UTC").run();
        assertEquals(0, list.exit(), list::toString);
        assertTrue(list.out().lines().skip(1).anyMatch(l -> l.endsWith(BAYKO_GROUP)), list::toString);
        var conversation = Cli.local("patterns/get-conversation", "--seeds", seeds.toString(), "--limit", "2", "--table", table).run();
        assertEquals(0, conversation.exit(), conversation::toString);
        assertEquals(2, conversation.out().lines().count(), conversation::toString);
        var seed = Cli.local("seed", "--seeds", seeds.toString(), "--table", table, "--dry-run").run();
        assertEquals(1, seed.exit(), "seed still checks every file: " + seed);
        assertTrue(seed.err().startsWith("seed: " + seeds.resolve("conversations/z-broken.json") + ":1:"), seed::toString);
    }

    @Test
    void sameItemsAsTheOriginalBoto3Queries() throws Exception {
        boolean boto3 = new ProcessBuilder("python3", "-c", "import boto3").start().waitFor() == 0;
        if (!boto3) System.out.println("NOTE: python3 with boto3 is absent; the cross-check with the original queries is skipped");
        Assumptions.assumeTrue(boto3, "python3 with boto3 is absent");

        var ours = Cli.local("patterns/list-conversations", "--table", table, "-o", "dynamodb-json").run();
        var theirs = Cli.executable(Cli.REPO.resolve("bench/reference/list_conversations.py"),
                LocalDynamo.endpoint(), table, ANDREW, YEAR).run();
        assertEquals(0, theirs.exit(), theirs::toString);
        assertEquals(JSON.readTree(theirs.out()).get("Items"), JSON.readTree(ours.out()).get("Items"));
        assertEquals(JSON.readTree(theirs.out()).get("Count"), JSON.readTree(ours.out()).get("Count"));

        var ourConversation = Cli.local("patterns/get-conversation", "--table", table, "--year", YEAR, "-o", "dynamodb-json").run();
        var theirConversation = Cli.executable(Cli.REPO.resolve("bench/reference/get_conversation.py"),
                LocalDynamo.endpoint(), table, BAYKO_GROUP, YEAR).run();
        assertEquals(0, theirConversation.exit(), "Python parses our timestamps: " + theirConversation);
        JsonNode a = JSON.readTree(theirConversation.out());
        JsonNode b = JSON.readTree(ourConversation.out());
        assertEquals(a.get("Items"), b.get("Items"));
        assertEquals(a.get("Count"), b.get("Count"));
        assertEquals(a.get("LastEvaluatedKey"), b.get("LastEvaluatedKey"));
        System.out.println("cross-check with boto3: list-conversations " + JSON.readTree(ours.out()).get("Count")
                + " and get-conversation " + b.get("Count") + " items identical");
    }
}
