package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The messaging feature end to end: create-message-group, create-message and messaging-stream against DynamoDB Local,
 * checked through the app's own queries; then each guarantee of the stream consumer, one test each.
 */
class MessagingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ANDREW = "7e6d1a4b-0c2f-4f3e-9a51-2b8c4d6e8f01", LONDO = "a41f5c3e-8d27-4b96-8e0a-6c1d2b3e4f05";
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    static final Pattern SUMMARY = Pattern.compile("(\\d+) stream records, (\\d+) new messages, coalesced to (\\d+) conversations: "
            + "(\\d+) group items moved, (\\d+) already current");
    final DynamoDbClient ddb = LocalDynamo.client();

    /** A table as the messaging feature needs it: the stream and the index. */
    static String streamTable(String prefix) {
        String table = LocalDynamo.uniqueTable(prefix);
        var r = Cli.local("schema-load", "--table", table, "--billing-mode", "PAY_PER_REQUEST", "--stream", "--gsi").run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("GSI message-group-sk-index; stream NEW_IMAGE"), r::toString);
        return table;
    }

    static Path stateFile() throws Exception {
        return Files.createTempDirectory("stream-state").resolve("state.json");
    }

    static Cli.Result stream(String table, Path state, String endpoint) {
        // --verbose: a failure shows its stack trace in the test report.
        return Cli.script("messaging-stream", "--table", table, "--once", "--state", state.toString(), "--endpoint-url", endpoint,
                "--verbose").run();
    }

    static Cli.Result stream(String table, Path state) {
        return stream(table, state, LocalDynamo.endpoint());
    }

    /** records, new messages, moved, already current, and conversations after coalescing, from the summary line. */
    static int[] summary(Cli.Result r) {
        Matcher m = SUMMARY.matcher(r.out());
        assertTrue(m.find(), "a summary: " + r);
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(3))};
    }

    static String group(String table, String... args) {
        List<String> all = new ArrayList<>(List.of("--table", table));
        all.addAll(List.of(args));
        var r = Cli.local("patterns/create-message-group", all.toArray(String[]::new)).run();
        assertEquals(0, r.exit(), r::toString);
        return r.out().lines().findFirst().orElseThrow();
    }

    static String at(Instant t) {
        return TIMESTAMP.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    /** Both group items of a conversation, read through the SDK (not the scripts under test). */
    List<Map<String, AttributeValue>> groupItems(String table, String group) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (var item : LocalDynamo.scanAll(ddb, table)) {
            if (item.get("pk").s().startsWith("GRP#") && item.get("message_group_uuid").s().equals(group)) items.add(item);
        }
        return items;
    }

    void assertGroupsAt(String table, String group, String sk, String text) {
        var items = groupItems(table, group);
        assertEquals(2, items.size(), "exactly two group items for " + group + ": " + items);
        for (var item : items) {
            assertEquals(sk, item.get("sk").s(), "group item " + item.get("pk").s() + " at the newest message");
            assertEquals(text, item.get("message").s());
        }
    }

    @Test
    void aConversationIsCreatedWrittenToAndKeptCurrentEntirelyFromTheScripts() throws Exception {
        String table = streamTable("messaging-e2e");
        var created = Cli.local("patterns/create-message-group", "--table", table, "--from", "andrewbrown", "--to", "londo",
                "--text", "Ambassador, a word?").run();
        assertEquals(0, created.exit(), created::toString);
        String group = created.out().lines().findFirst().orElseThrow();
        assertTrue(group.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), created::toString);
        String firstSk = created.out().lines().skip(1).findFirst().orElseThrow().split(" ")[0];
        assertTrue(firstSk.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00"), "fixed-width UTC: " + firstSk);

        // The three items the app reads, exactly.
        var items = Tables.snapshot(ddb, table);
        assertEquals(3, items.size(), items::toString);
        var andrews = items.get("GRP#" + ANDREW + "|" + firstSk);
        assertEquals(Map.of("pk", s("GRP#" + ANDREW), "sk", s(firstSk), "message_group_uuid", s(group), "message", s("Ambassador, a word?"),
                "user_uuid", s(LONDO), "user_display_name", s("Londo Mollari"), "user_handle", s("londo")), andrews);
        var londos = items.get("GRP#" + LONDO + "|" + firstSk);
        assertEquals("andrewbrown", londos.get("user_handle").s());
        assertEquals("Andrew Brown", londos.get("user_display_name").s());
        assertEquals(ANDREW, londos.get("user_uuid").s());
        var first = items.get("MSG#" + group + "|" + firstSk);
        assertEquals(ANDREW, first.get("user_uuid").s());
        assertEquals("andrewbrown", first.get("user_handle").s());
        assertEquals(created.out().lines().skip(1).findFirst().orElseThrow().split(" ")[1], first.get("message_uuid").s());

        var reply = Cli.local("patterns/create-message", group, "--table", table, "--from", "londo", "--text", "Only one?").run();
        assertEquals(0, reply.exit(), reply::toString);
        var last = Cli.local("patterns/create-message", group, "--table", table, "--from", "andrewbrown", "--text", "Two, then.").run();
        assertEquals(0, last.exit(), last::toString);
        String lastSk = last.out().strip().split(" ")[0];
        assertTrue(lastSk.compareTo(firstSk) > 0, last::toString);
        assertEquals(ANDREW, ddb.getItem(g -> g.tableName(table).key(Map.of("pk", s("MSG#" + group), "sk", s(lastSk)))).item().get("user_uuid").s());

        Path state = stateFile();
        var r = stream(table, state);
        assertEquals(0, r.exit(), r::toString);
        assertEquals(2, summary(r)[2], "two messages after the first, on one page: each group item moves once, to the last: " + r);
        assertEquals(2, r.err().lines().filter(l -> l.startsWith("moved GRP#")).count(), r::toString);
        assertGroupsAt(table, group, lastSk, "Two, then.");
        assertTrue(Files.readString(state).contains(ddb.describeTable(d -> d.tableName(table)).table().latestStreamArn()), "keyed by stream ARN");

        // Both users' lists, through the script and through the app's own query: this conversation first, at its last message.
        for (String handle : List.of("andrewbrown", "londo")) {
            var list = Cli.local("patterns/list-conversations", handle, "--table", table, "-o", "json").run();
            assertEquals(0, list.exit(), list::toString);
            JsonNode top = JSON.readTree(list.out()).at("/Items/0"); // plain JSON: the values themselves
            assertEquals(group, top.at("/message_group_uuid").asText());
            assertEquals(lastSk, top.at("/sk").asText());
            assertEquals("Two, then.", top.at("/message").asText());
        }
        var app = ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :year)")
                .expressionAttributeValues(Map.of(":pk", s("GRP#" + LONDO), ":year", s(String.valueOf(Year.now().getValue()))))
                .scanIndexForward(false)).items();
        assertEquals(1, app.size(), app::toString);
        assertEquals(lastSk, app.get(0).get("sk").s());

        var conversation = Cli.local("patterns/get-conversation", group, "--table", table).run();
        assertEquals(0, conversation.exit(), conversation::toString);
        List<String> lines = conversation.out().lines().toList();
        assertEquals(3, lines.size(), conversation::toString);
        assertTrue(lines.get(0).contains("Ambassador, a word?") && lines.get(1).contains("Only one?") && lines.get(2).contains("Two, then."),
                conversation::toString);
    }

    @Test
    void aBatchOfManyRecordsLeavesEveryGroupAtItsNewestMessage() throws Exception {
        String table = streamTable("messaging-batch");
        Instant start = Instant.parse("2026-03-01T10:00:00Z");
        List<String> groups = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            groups.add(group(table, "--from", "u" + c, "--from-uuid", UUID.randomUUID().toString(), "--from-name", "User " + c,
                    "--to", "v" + c, "--to-uuid", UUID.randomUUID().toString(), "--text", "hello " + c, "--at", at(start)));
        }
        // 4 conversations x 30 messages, written in a shuffled order: the stream delivers older ones after newer ones.
        List<Map<String, AttributeValue>> messages = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            for (int i = 1; i <= 30; i++) {
                messages.add(Map.of("pk", s("MSG#" + groups.get(c)), "sk", s(at(start.plusSeconds(60L * i + c))),
                        "message_uuid", s(UUID.randomUUID().toString()), "message", s("message " + i + " of " + c),
                        "user_uuid", s(UUID.randomUUID().toString()), "user_display_name", s("x"), "user_handle", s("x")));
            }
        }
        Collections.shuffle(messages, new Random(7));
        for (var m : messages) ddb.putItem(p -> p.tableName(table).item(m));

        var r = stream(table, stateFile());
        assertEquals(0, r.exit(), r::toString);
        int[] counts = summary(r);
        assertEquals(124, counts[1], "every record handled: 4 first messages and 120 more: " + r);
        for (int c = 0; c < 4; c++) assertGroupsAt(table, groups.get(c), at(start.plusSeconds(60L * 30 + c)), "message 30 of " + c);
        assertEquals(4 * 2 + 4 + 120, LocalDynamo.scanAll(ddb, table).size(), "no group item lost or duplicated");
    }

    @Test
    void anOlderMessageDeliveredLateDoesNotMoveTheGroupBack() throws Exception {
        String table = streamTable("messaging-late");
        Instant t = Instant.parse("2026-05-05T05:00:00Z");
        String group = group(table, "--from", "andrewbrown", "--to", "londo", "--text", "first", "--at", at(t));
        Path state = stateFile();
        var newer = Cli.local("patterns/create-message", group, "--table", table, "--from", "londo", "--text", "newest", "--at", at(t.plusSeconds(600))).run();
        assertEquals(0, newer.exit(), newer::toString);
        assertEquals(2, summary(stream(table, state))[2]);
        assertGroupsAt(table, group, at(t.plusSeconds(600)), "newest");

        var older = Cli.local("patterns/create-message", group, "--table", table, "--from", "andrewbrown", "--text", "late", "--at", at(t.plusSeconds(300))).run();
        assertEquals(0, older.exit(), older::toString);
        var r = stream(table, state);
        assertEquals(0, r.exit(), r::toString);
        int[] counts = summary(r);
        assertEquals(1, counts[1], r::toString);
        assertEquals(0, counts[2], "nothing moved: " + r);
        assertEquals(2, counts[3], "both already past it: " + r);
        assertGroupsAt(table, group, at(t.plusSeconds(600)), "newest");
    }

    @Test
    void aRerunAfterACheckpointDoesNoDoubleWorkAndRedeliveryIsHarmless() throws Exception {
        String table = streamTable("messaging-rerun");
        String group = group(table, "--from", "andrewbrown", "--to", "londo", "--text", "one");
        for (String text : List.of("two", "three")) {
            assertEquals(0, Cli.local("patterns/create-message", group, "--table", table, "--from", "londo", "--text", text).run().exit());
        }
        Path state = stateFile();
        var first = stream(table, state);
        assertEquals(3, summary(first)[1], first::toString);
        assertEquals(2, summary(first)[2], "coalesced: " + first);
        var snapshot = Tables.snapshot(ddb, table);

        var again = stream(table, state);
        assertEquals(0, again.exit(), again::toString);
        assertEquals(0, summary(again)[1], "no message handled twice: " + again);
        assertEquals(0, summary(again)[2], again::toString);
        assertFalse(again.err().contains("moved"), again::toString);

        // Without the checkpoint every record comes again: the moves are idempotent.
        Files.delete(state);
        var redelivered = stream(table, state);
        assertEquals(0, redelivered.exit(), redelivered::toString);
        assertEquals(3, summary(redelivered)[1], redelivered::toString);
        assertEquals(0, summary(redelivered)[2], redelivered::toString);
        assertEquals(snapshot, Tables.snapshot(ddb, table), "the table is exactly as after the first run");
    }

    /** Conversations as the app creates them (two group items and a first message), with `each` messages more each. */
    static List<String> conversations(DynamoDbClient ddb, String table, int count, int each, Instant start, long seed) {
        Random random = new Random(seed);
        List<String> groups = new ArrayList<>();
        List<Map<String, AttributeValue>> items = new ArrayList<>(), messages = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            String g = new UUID(random.nextLong(), random.nextLong()).toString(), a = UUID.randomUUID().toString(), b = UUID.randomUUID().toString();
            groups.add(g);
            for (String[] owner : List.of(new String[] {a, b}, new String[] {b, a})) {
                items.add(Map.of("pk", s("GRP#" + owner[0]), "sk", s(at(start)), "message_group_uuid", s(g), "message", s("hello " + c),
                        "user_uuid", s(owner[1]), "user_display_name", s("User " + owner[1].substring(0, 4)), "user_handle", s("u" + owner[1].substring(0, 6))));
            }
            items.add(message(g, at(start), "hello " + c));
            for (int i = 1; i <= each; i++) messages.add(message(g, at(start.plusSeconds(60L * i + c)), "message " + i + " of " + g));
        }
        Collections.shuffle(messages, random); // the stream delivers older ones after newer ones
        items.addAll(messages);
        Tables.putAll(ddb, table, items);
        return groups;
    }

    static Map<String, AttributeValue> message(String group, String sk, String text) {
        return Map.of("pk", s("MSG#" + group), "sk", s(sk), "message_uuid", s(UUID.randomUUID().toString()), "message", s(text),
                "user_uuid", s(LONDO), "user_display_name", s("Londo Mollari"), "user_handle", s("londo"));
    }

    /** Every conversation of conversations(..., each, start, ...) at its newest message, with exactly two group items. */
    void assertNewest(String table, List<String> groups, int each, Instant start) {
        var all = LocalDynamo.scanAll(ddb, table);
        for (int c = 0; c < groups.size(); c++) {
            String g = groups.get(c), newest = at(start.plusSeconds(60L * each + c));
            var items = all.stream().filter(i -> i.get("pk").s().startsWith("GRP#") && i.get("message_group_uuid").s().equals(g)).toList();
            assertEquals(2, items.size(), "two group items for " + g + ": " + items);
            for (var item : items) {
                assertEquals(newest, item.get("sk").s(), "at its newest message: " + item);
                assertEquals("message " + each + " of " + g, item.get("message").s());
            }
        }
        assertEquals(groups.size() * (3 + each), all.size(), "no item lost or added");
    }

    /** Ctrl-C lets the moves under way finish and saves no page whose moves are not all done: the next run completes them. */
    @Test
    void ctrlCMidDrainLosesNothingAndTheNextRunCompletesTheWork() throws Exception {
        String table = streamTable("messaging-sigint");
        Instant start = Instant.parse("2026-02-02T02:00:00Z");
        List<String> groups = conversations(ddb, table, 30, 10, start, 11);
        Path state = stateFile();
        Path err = Files.createTempFile("stream-sigint", ".err"), out = Files.createTempFile("stream-sigint", ".out");
        // Slow transactions, two at a time, so that Ctrl-C lands mid-page.
        try (var proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(new FaultProxy.Rule("TransactWriteItems", FaultProxy.Fault.DELAY, 1)))) {
            Process p = new ProcessBuilder(Cli.REPO.resolve("bin/ddb/messaging-stream").toString(), "--table", table, "--state", state.toString(),
                    "--endpoint-url", proxy.endpoint(), "--parallel", "2", "-v").redirectError(err.toFile()).redirectOutput(out.toFile()).start();
            long deadline = System.currentTimeMillis() + 120_000;
            while (Files.readString(err).split("moved GRP#", -1).length <= 5 && System.currentTimeMillis() < deadline && p.isAlive()) Thread.sleep(50);
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stops after the moves under way");
            assertEquals(130, p.exitValue(), Files.readString(err));
        }
        String stopped = Files.readString(err);
        assertTrue(stopped.contains("Stopped on Ctrl-C; the position is saved"), stopped);
        int movedBefore = (int) stopped.lines().filter(l -> l.startsWith("moved GRP#")).count();
        assertTrue(movedBefore >= 4 && movedBefore < 60, "stopped part way: " + stopped);
        assertFalse(stopped.contains("state file written"), "the page under way is not saved: " + stopped);

        var rest = stream(table, state);
        assertEquals(0, rest.exit(), rest::toString);
        assertEquals(30 * 11, summary(rest)[1], "the page is read again, every message: " + rest);
        assertEquals(60, movedBefore + summary(rest)[2], "each group item moved once across both runs: " + rest);
        assertNewest(table, groups, 10, start);
    }

    @Test
    void throttlingAndDroppedConnectionsDuringTheTransactionsLoseNothing() throws Exception {
        String table = streamTable("messaging-faults");
        Instant start = Instant.parse("2026-03-03T03:00:00Z");
        List<String> groups = conversations(ddb, table, 20, 15, start, 12);
        var rules = List.of(new FaultProxy.Rule("TransactWriteItems", FaultProxy.Fault.PROVISIONED_THROUGHPUT_EXCEEDED, 3),
                new FaultProxy.Rule("TransactWriteItems", FaultProxy.Fault.THROTTLING, 5),
                new FaultProxy.Rule("TransactWriteItems", FaultProxy.Fault.DROP_CONNECTION, 4),
                new FaultProxy.Rule("Query", FaultProxy.Fault.THROTTLING, 4),
                new FaultProxy.Rule("GetRecords", FaultProxy.Fault.DROP_CONNECTION, 3));
        Cli.Result r;
        try (var proxy = new FaultProxy(LocalDynamo.endpoint(), rules)) {
            r = stream(table, stateFile(), proxy.endpoint());
            System.out.println("messaging-stream under faults: " + proxy.report());
            assertTrue(proxy.injected(FaultProxy.Fault.DROP_CONNECTION) > 0 && proxy.injected(FaultProxy.Fault.THROTTLING) > 0
                    && proxy.injected(FaultProxy.Fault.PROVISIONED_THROUGHPUT_EXCEEDED) > 0, proxy.report());
        }
        assertEquals(0, r.exit(), r::toString);
        assertEquals(20 * 16, summary(r)[1], "every message handled: " + r);
        assertEquals(40, summary(r)[2], "each group item moved once: " + r);
        assertNewest(table, groups, 15, start);
    }

    /** AWS may answer empty pages before more records of a shard ("it might take multiple calls"): --once reads on past them. */
    @Test
    void onceReadsPastEmptyPagesBeforeTheRecords() throws Exception {
        String table = streamTable("messaging-empty-pages");
        String group = group(table, "--from", "andrewbrown", "--to", "londo", "--text", "first");
        var reply = Cli.local("patterns/create-message", group, "--table", table, "--from", "londo", "--text", "after the empty pages").run();
        assertEquals(0, reply.exit(), reply::toString);
        Cli.Result r;
        try (var proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(new FaultProxy.Rule("GetRecords", FaultProxy.Fault.EMPTY_PAGE, 1, 4)))) {
            r = stream(table, stateFile(), proxy.endpoint());
            assertEquals(4, proxy.injected(FaultProxy.Fault.EMPTY_PAGE), proxy.report());
        }
        assertEquals(0, r.exit(), r::toString);
        assertEquals(2, summary(r)[1], "both messages, read after four empty pages: " + r);
        assertGroupsAt(table, group, reply.out().split(" ")[0], "after the empty pages");
    }

    /**
     * Ties (docs/scripts.md: The data model): two group items of one user cannot share a key, so the conversation whose
     * newest message's time is taken goes to the microsecond before it, with its newest text. Both stay in the list.
     */
    @Test
    void aTieWithAnotherConversationOfTheSameUserTakesTheMicrosecondBeforeAndLosesNothing() throws Exception {
        String table = streamTable("messaging-tie");
        Instant t = Instant.parse("2026-06-06T06:00:00Z");
        String withLondo = group(table, "--from", "andrewbrown", "--to", "londo", "--text", "first", "--at", at(t));
        String withBayko = group(table, "--from", "andrewbrown", "--to", "bayko", "--text", "other", "--at", at(t.plusSeconds(60)));
        var clash = Cli.local("patterns/create-message", withLondo, "--table", table, "--from", "londo", "--text", "same time",
                "--at", at(t.plusSeconds(60))).run();
        assertEquals(0, clash.exit(), clash::toString);

        var r = stream(table, stateFile());
        assertEquals(0, r.exit(), r::toString);
        int[] counts = summary(r);
        assertEquals(List.of(3, 2, 2), List.of(counts[1], counts[2], counts[3]), "3 messages; both of withLondo's items moved: " + r);
        var items = Tables.snapshot(ddb, table);
        assertEquals(7, items.size(), "no item lost or added: " + items);
        var andrewsWithLondo = items.get("GRP#" + ANDREW + "|" + at(t.plusSeconds(60).minusNanos(1000)));
        assertEquals(withLondo, andrewsWithLondo.get("message_group_uuid").s(), "a microsecond before the tie: " + items);
        assertEquals("same time", andrewsWithLondo.get("message").s());
        var andrewsWithBayko = items.get("GRP#" + ANDREW + "|" + at(t.plusSeconds(60)));
        assertEquals(withBayko, andrewsWithBayko.get("message_group_uuid").s(), "the other conversation untouched: " + items);
        assertEquals("other", andrewsWithBayko.get("message").s());
        assertEquals("same time", items.get("GRP#" + LONDO + "|" + at(t.plusSeconds(60))).get("message").s());

        // Andrew's list, through the script: both conversations, each with its newest message.
        var list = Cli.local("patterns/list-conversations", "andrewbrown", "--table", table, "--year", "2026", "-o", "json").run();
        assertEquals(0, list.exit(), list::toString);
        JsonNode listed = JSON.readTree(list.out()).at("/Items");
        assertEquals(2, listed.size(), list::toString);
        assertEquals(withBayko, listed.at("/0/message_group_uuid").asText()); // plain JSON: the values themselves
        assertEquals(withLondo, listed.at("/1/message_group_uuid").asText());

        var again = stream(table, stateFile());
        assertEquals(0, again.exit(), again::toString);
        assertEquals(0, summary(again)[2], "re-delivered, the tie changes nothing: " + again);
        assertEquals(items, Tables.snapshot(ddb, table));
    }

    /**
     * Three conversations at one time: the third steps two microseconds back. A late, older message of it that falls
     * between never puts its older text in place of the newest one.
     */
    @Test
    void aLateMessageInsideATieNeverPutsOlderTextInPlace() throws Exception {
        String table = streamTable("messaging-tie3");
        Instant t0 = Instant.parse("2026-07-07T07:00:00Z"), t = t0.plusSeconds(3600);
        String third = UUID.randomUUID().toString();
        String withLondo = group(table, "--from", "andrewbrown", "--to", "londo", "--text", "a", "--at", at(t0));
        String withBayko = group(table, "--from", "andrewbrown", "--to", "bayko", "--text", "b", "--at", at(t));
        String withThird = group(table, "--from", "andrewbrown", "--to", "third", "--to-uuid", third, "--to-name", "Third",
                "--text", "c", "--at", at(t0.plusSeconds(1)));
        Path state = stateFile();
        assertEquals(0, stream(table, state).exit());
        for (var m : List.of(message(withThird, at(t), "newest of third"))) ddb.putItem(p -> p.tableName(table).item(m));
        assertEquals(0, stream(table, state).exit());
        for (var m : List.of(message(withLondo, at(t), "newest of londo"))) ddb.putItem(p -> p.tableName(table).item(m));
        var r = stream(table, state);
        assertEquals(0, r.exit(), r::toString);
        String twoBack = at(t.minusNanos(2000));
        var items = Tables.snapshot(ddb, table);
        assertEquals(withLondo, items.get("GRP#" + ANDREW + "|" + twoBack).get("message_group_uuid").s(), "two microseconds back: " + items);
        assertEquals("newest of londo", items.get("GRP#" + ANDREW + "|" + twoBack).get("message").s());

        // A late message of that conversation one microsecond before the tie: older than its newest, so nothing moves.
        for (var m : List.of(message(withLondo, at(t.minusNanos(1000)), "late"))) ddb.putItem(p -> p.tableName(table).item(m));
        var late = stream(table, state);
        assertEquals(0, late.exit(), late::toString);
        items = Tables.snapshot(ddb, table);
        assertEquals("newest of londo", items.get("GRP#" + ANDREW + "|" + twoBack).get("message").s(), "never the older text: " + items);
        assertEquals("newest of londo", items.get("GRP#" + LONDO + "|" + at(t)).get("message").s());
        assertEquals(withBayko, items.get("GRP#" + ANDREW + "|" + at(t)).get("message_group_uuid").s());
        assertEquals(withThird, items.get("GRP#" + ANDREW + "|" + at(t.minusNanos(1000))).get("message_group_uuid").s());
        assertEquals(12, items.size(), "three conversations, two group items each, six messages: " + items);
    }

    /**
     * DynamoDB Local closes a stream's shard and opens a child when the shard is 4 hours old, checked when it starts: an
     * aged shard and a restart make a real split. The consumer reads the parent to its end, then the child.
     */
    @Test
    void followsEveryShardAfterASplitParentsFirst() throws Exception {
        boolean python = new ProcessBuilder("python3", "-c", "import sqlite3").start().waitFor() == 0;
        Assumptions.assumeTrue(python, "python3 (for sqlite3) is absent");
        Path data = Files.createTempDirectory("split-data");
        int port = LocalDynamo.freePort();
        var server = LocalDynamo.Server.start(port, List.of("--db-path", data.toString()));
        String table = "split", group, parentSk;
        Path state = stateFile();
        try {
            var schema = Cli.script("schema-load", "--table", table, "--stream", "--gsi", "--endpoint-url", server.endpoint).run();
            assertEquals(0, schema.exit(), schema::toString);
            var created = Cli.script("patterns/create-message-group", "--table", table, "--from", "andrewbrown", "--to", "londo",
                    "--text", "before the split", "--endpoint-url", server.endpoint).run();
            group = created.out().lines().findFirst().orElseThrow();
            var parent = Cli.script("patterns/create-message", group, "--table", table, "--from", "londo", "--text", "parent shard",
                    "--endpoint-url", server.endpoint).run();
            assertEquals(0, parent.exit(), parent::toString);
            parentSk = parent.out().split(" ")[0];
        } finally {
            server.stop();
        }
        var age = new ProcessBuilder("python3", "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                + "c.execute('update ss set CreationDateTime = CreationDateTime - 5 * 3600 * 1000'); c.commit()",
                data.resolve("shared-local-instance.db").toString()).inheritIO().start();
        assertEquals(0, age.waitFor());
        server = LocalDynamo.Server.start(port, List.of("--db-path", data.toString()));
        try {
            var child = Cli.script("patterns/create-message", group, "--table", table, "--from", "andrewbrown", "--text", "child shard",
                    "--endpoint-url", server.endpoint).run();
            assertEquals(0, child.exit(), child::toString);
            var client = LocalDynamo.client(server.endpoint);
            String arn = client.describeTable(d -> d.tableName(table)).table().latestStreamArn();
            try (var streams = software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient.builder()
                    .endpointOverride(java.net.URI.create(server.endpoint)).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                    .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("t", "t")).build()) {
                var shards = streams.describeStream(d -> d.streamArn(arn)).streamDescription().shards();
                assertEquals(2, shards.size(), "a parent and a child: " + shards);
                assertEquals(shards.get(0).shardId(), shards.get(1).parentShardId());
            }

            var r = stream(table, state, server.endpoint);
            assertEquals(0, r.exit(), r::toString);
            assertEquals(3, summary(r)[1], "the first message, one in the parent, one in the child: " + r);
            List<String> moves = r.err().lines().filter(l -> l.startsWith("moved")).toList();
            assertEquals(4, moves.size(), r::toString);
            String childSk = child.out().split(" ")[0];
            for (int i = 0; i < 4; i++) assertTrue(moves.get(i).endsWith("-> " + (i < 2 ? parentSk : childSk)), "parent first: " + r);
            var items = LocalDynamo.scanAll(client, table).stream().filter(i -> i.get("pk").s().startsWith("GRP#")).toList();
            assertEquals(2, items.size());
            items.forEach(i -> assertEquals("child shard", i.get("message").s()));
            String saved = Files.readString(state);
            assertTrue(saved.contains("SHARD_END"), "the closed parent is marked done: " + saved);
        } finally {
            server.stop();
        }
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

}
