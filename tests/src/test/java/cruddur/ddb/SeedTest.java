package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class SeedTest {
    static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
    static final ObjectMapper JSON = new ObjectMapper();
    final DynamoDbClient ddb = LocalDynamo.client();

    @Test
    void seedThenScanGivesExactlyTheSeeds() throws Exception {
        String table = Tables.fresh("seed");
        String now = "2026-11-24T04:15:31.123456+00:00";
        var r = Cli.local("seed", "--table", table, "--now", now).run();
        assertEquals(0, r.exit(), r::toString);

        JsonNode users = JSON.readTree(Cli.REPO.resolve("seeds/users.json").toFile());
        Map<String, JsonNode> byHandle = new HashMap<>();
        users.forEach(u -> byHandle.put(u.get("handle").asText(), u));
        List<Path> files;
        try (Stream<Path> s = Files.list(Cli.REPO.resolve("seeds/conversations"))) {
            files = s.sorted().toList();
        }
        int expectedItems = 0;
        var scan = Cli.local("scan", "--table", table).run();
        assertEquals(0, scan.exit(), scan::toString);
        Map<String, JsonNode> scanned = new HashMap<>();
        for (String line : scan.out().lines().toList()) {
            JsonNode item = JSON.readTree(line);
            assertTrue(TIMESTAMP.matcher(item.get("sk").asText()).matches(), "fixed-width timestamp: " + item);
            assertTrue(scanned.put(item.get("pk").asText() + "|" + item.get("sk").asText(), item) == null, "no duplicate keys");
        }
        Instant end = Instant.parse("2026-11-24T04:15:31.123456Z");
        for (int c = 0; c < files.size(); c++) {
            JsonNode conv = JSON.readTree(files.get(c).toFile());
            String group = conv.get("message_group_uuid").asText();
            JsonNode messages = conv.get("messages");
            Instant last = end.minusSeconds(3600L * c);
            List<JsonNode> partition = scanned.values().stream()
                    .filter(i -> i.get("pk").asText().equals("MSG#" + group))
                    .sorted((a, b) -> a.get("sk").asText().compareTo(b.get("sk").asText())).toList();
            assertEquals(messages.size(), partition.size(), "every message of " + files.get(c));
            for (int i = 0; i < messages.size(); i++) {
                JsonNode want = messages.get(i);
                JsonNode got = partition.get(i);
                assertEquals(want.get("text").asText(), got.get("message").asText());
                assertEquals(want.get("from").asText(), got.get("user_handle").asText());
                JsonNode sender = byHandle.get(want.get("from").asText());
                assertEquals(sender.get("uuid").asText(), got.get("user_uuid").asText());
                assertEquals(sender.get("display_name").asText(), got.get("user_display_name").asText());
                assertTrue(got.has("message_uuid"));
                Instant at = Instant.parse(got.get("sk").asText().replace("+00:00", "Z"));
                assertEquals(last.minusSeconds(60L * (messages.size() - 1 - i)), at, "one minute apart, ending at --now - " + c + "h");
            }
            // One group item per participant, describing the other participant and the last message.
            for (int p = 0; p < 2; p++) {
                JsonNode owner = byHandle.get(conv.get("participants").get(p).asText());
                JsonNode other = byHandle.get(conv.get("participants").get(1 - p).asText());
                String lastSk = partition.get(partition.size() - 1).get("sk").asText();
                JsonNode g = scanned.get("GRP#" + owner.get("uuid").asText() + "|" + lastSk);
                assertTrue(g != null, "group item of " + owner + " in " + files.get(c));
                assertEquals(group, g.get("message_group_uuid").asText());
                assertEquals(other.get("handle").asText(), g.get("user_handle").asText());
                assertEquals(other.get("uuid").asText(), g.get("user_uuid").asText());
                assertEquals(other.get("display_name").asText(), g.get("user_display_name").asText());
                assertEquals(messages.get(messages.size() - 1).get("text").asText(), g.get("message").asText());
            }
            expectedItems += messages.size() + 2;
        }
        assertEquals(expectedItems, scanned.size(), "nothing but the seeds");
        assertTrue(r.out().contains("Seeded " + expectedItems + " items"), r::toString);
        assertTrue(expectedItems > 40, "the sample conversation needs several pages");
    }

    @Test
    void seedingTwiceLeavesTheSameItemCount() {
        String table = Tables.fresh("seed-twice");
        var first = Cli.local("seed", "--table", table).run();
        assertEquals(0, first.exit(), first::toString);
        int once = LocalDynamo.scanAll(ddb, table).size();
        // A later run ends at a later "now": every key differs, and the old copy must go.
        var second = Cli.local("seed", "--table", table).run();
        assertEquals(0, second.exit(), second::toString);
        assertEquals(once, LocalDynamo.scanAll(ddb, table).size());
        assertTrue(second.out().contains("removed " + once + " items of an earlier seed"), second::toString);
        // Same --now twice: the same keys, overwritten in place.
        Cli.local("seed", "--table", table, "--now", "2026-05-01T10:00:00Z").run();
        var same = Cli.local("seed", "--table", table, "--now", "2026-05-01T10:00:00Z").run();
        assertEquals(0, same.exit(), same::toString);
        assertEquals(once, LocalDynamo.scanAll(ddb, table).size());
    }

    @Test
    void otherConversationsOfTheSameUsersAreKept() {
        String table = Tables.fresh("seed-keep");
        var foreign = Tables.item("GRP#7e6d1a4b-0c2f-4f3e-9a51-2b8c4d6e8f01", "2026-01-01T00:00:00.000000+00:00", "kept");
        foreign.put("message_group_uuid", AttributeValue.fromS("00000000-0000-4000-8000-000000000001"));
        Tables.putAll(ddb, table, List.of(foreign, Tables.item("MSG#00000000-0000-4000-8000-000000000001",
                "2026-01-01T00:00:00.000000+00:00", "kept too")));
        assertEquals(0, Cli.local("seed", "--table", table).run().exit());
        assertEquals(0, Cli.local("seed", "--table", table).run().exit());
        var all = Tables.snapshot(ddb, table);
        assertTrue(all.containsKey("GRP#7e6d1a4b-0c2f-4f3e-9a51-2b8c4d6e8f01|2026-01-01T00:00:00.000000+00:00"));
        assertTrue(all.containsKey("MSG#00000000-0000-4000-8000-000000000001|2026-01-01T00:00:00.000000+00:00"));
    }

    @Test
    void dryRunWritesNothing() {
        String table = Tables.fresh("seed-dry");
        var r = Cli.local("seed", "--table", table, "--dry-run").run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("Dry run, nothing written. Would write 57 items"), r::toString);
        assertTrue(LocalDynamo.scanAll(ddb, table).isEmpty());
    }

    @Test
    void prodWithoutConfirmationWritesNothing() {
        String table = Tables.fresh("seed-prod");
        var r = Cli.script("seed", "prod", "--table", table).prodAtLocal().run();
        assertEquals(1, r.exit(), r::toString);
        assertFalse(r.err().contains("Plan:"), "refused before any connection (--dry-run shows the plan): " + r);
        assertTrue(r.err().contains("Refusing to seed " + table + " in prod without confirmation"), r::toString);
        assertTrue(LocalDynamo.scanAll(ddb, table).isEmpty());

        var yes = Cli.script("seed", "prod", "--yes", "--table", table).prodAtLocal().run();
        assertEquals(0, yes.exit(), yes::toString);
        assertEquals(57, LocalDynamo.scanAll(ddb, table).size());
    }

    @Test
    void missingTableSaysToRunSchemaLoad() {
        var r = Cli.local("seed", "--table", "no-such-table").run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("Table 'no-such-table' not found at local"), r::toString);
        assertTrue(r.err().contains("bin/ddb/schema-load"), r::toString);
    }

    @Test
    void syntheticDataSetLandsEveryItemDeterministically() {
        String table = Tables.fresh("seed-synth");
        String[] args = {"--table", table, "--synthetic", "--users", "10", "--conversations", "50",
                "--messages", "60", "--random-seed", "7", "--now", "2026-03-01T12:00:00Z"};
        var r = Cli.local("seed", args).run();
        assertEquals(0, r.exit(), r::toString);
        var first = Tables.snapshot(ddb, table);
        assertEquals(50 * 62, first.size());
        assertTrue(r.err().contains("items/s"), r::toString);
        var again = Cli.local("seed", args).run();
        assertEquals(0, again.exit(), again::toString);
        assertEquals(first, Tables.snapshot(ddb, table), "same options and --now, same items");
        String otherTable = Tables.fresh("seed-synth-other");
        var other = Cli.local("seed", "--table", otherTable, "--synthetic", "--users", "10",
                "--conversations", "50", "--messages", "60", "--random-seed", "8", "--now", "2026-03-01T12:00:00Z").run();
        assertEquals(0, other.exit(), other::toString);
        var otherKeys = Tables.snapshot(ddb, otherTable).keySet();
        assertEquals(50 * 62, otherKeys.size());
        assertTrue(otherKeys.stream().noneMatch(first::containsKey), "another --random-seed, other conversations");
    }

    /**
     * The worst case for key collisions: two users share every conversation, so each holds 300 group items, and
     * each conversation's messages are a minute apart while conversations end a second apart. Any collision would
     * overwrite an item and leave fewer than conversations x (messages + 2).
     */
    @Test
    void syntheticKeysNeverCollide() {
        String table = Tables.fresh("seed-keys");
        var r = Cli.local("seed", "--table", table, "--synthetic", "--users", "2", "--conversations", "300",
                "--messages", "3", "--now", "2026-01-01T00:00:30Z").run();
        assertEquals(0, r.exit(), r::toString);
        var items = LocalDynamo.scanAll(ddb, table);
        assertEquals(300 * 5, items.size(), "every item has a key of its own");
        assertEquals(2, items.stream().filter(i -> i.get("pk").s().startsWith("GRP#")).map(i -> i.get("pk").s()).distinct().count());
        assertEquals(300, items.stream().filter(i -> i.get("pk").s().startsWith("MSG#")).map(i -> i.get("pk").s()).distinct().count());
    }

    /** Without --now the synthetic clock is now: the app's queries (this year) and list-conversations see the data. */
    @Test
    void syntheticDataIsVisibleToTheAppsQueriesOfThisYear() throws Exception {
        String table = Tables.fresh("seed-synth-now");
        var r = Cli.local("seed", "--table", table, "--synthetic", "--users", "3", "--conversations", "4", "--messages", "5").run();
        assertEquals(0, r.exit(), r::toString);
        String year = String.valueOf(java.time.Year.now(java.time.ZoneOffset.UTC).getValue());
        var group = LocalDynamo.scanAll(ddb, table).stream().filter(i -> i.get("pk").s().startsWith("GRP#")).findFirst().orElseThrow();
        assertTrue(group.get("sk").s().startsWith(year), "this year: " + group);
        String user = group.get("pk").s().substring(4);
        var list = Cli.local("patterns/list-conversations", "--table", table, "--user-uuid", user, "-o", "json").run();
        assertEquals(0, list.exit(), list::toString);
        JsonNode found = JSON.readTree(list.out()).get("Items");
        assertTrue(found.size() >= 1, "list-conversations finds the synthetic user's conversations: " + list);
        found.forEach(i -> assertTrue(i.get("user_display_name").asText().startsWith("Synthetic User"), i::toString));
    }

    @Test
    void aLongPlanSaysSoAndWhatToDoBeforeAnythingIsWritten() throws Exception {
        String table = Tables.fresh("seed-long");
        try (FaultProxy proxy = FaultProxy.capacity(LocalDynamo.endpoint(), 5)) {
            var dry = Cli.script("seed", "--table", table, "--synthetic", "--conversations", "1000", "--dry-run",
                    "--endpoint-url", proxy.endpoint()).run();
            assertEquals(0, dry.exit(), dry::toString);
            assertTrue(dry.out().contains("100,000 items") && dry.out().contains("at 5 WCU about 5 h 50 min"), dry::toString);
            assertTrue(dry.err().contains("This is a long load for a table of 5 WCU") && dry.err().contains("--billing-mode PAY_PER_REQUEST"), dry::toString);

            // The front's ARN names a real account: prod's question, after the plan.
            var prod = Cli.script("seed", "--table", table, "--synthetic", "--conversations", "1000",
                    "--endpoint-url", proxy.endpoint()).run();
            assertEquals(1, prod.exit(), prod::toString);
            List<String> lines = prod.err().lines().toList();
            assertTrue(lines.get(0).startsWith("Plan: 100,000 items") && lines.get(1).startsWith("This is a long load")
                    && lines.get(2).startsWith("seed: Refusing to seed"), "the warning comes with the confirmation: " + prod);

            var capped = Cli.script("seed", "--table", table, "--synthetic", "--conversations", "10", "--messages", "8", "--max-wcu", "2",
                    "--dry-run", "--endpoint-url", proxy.endpoint()).run();
            assertTrue(capped.out().contains("100 items") && capped.out().contains("at 2 WCU about 53 s"), capped::toString);
            assertTrue(!capped.err().contains("long load"), capped::toString);
            assertTrue(LocalDynamo.scanAll(ddb, table).isEmpty(), "nothing written");
        }
    }

    @Test
    void everyItemArrivesThroughThrottlingAndUnprocessedItems() throws Exception {
        String table = Tables.fresh("seed-faults");
        try (FaultProxy proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.UNPROCESSED_ITEMS, 2),
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.PROVISIONED_THROUGHPUT_EXCEEDED, 5),
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.THROTTLING, 7),
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.DROP_CONNECTION, 11),
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.DELAY, 13),
                new FaultProxy.Rule("Query", FaultProxy.Fault.THROTTLING, 3)))) {
            var r = Cli.script("seed", "--table", table, "--synthetic", "--users", "5", "--conversations", "20",
                    "--messages", "48", "--endpoint-url", proxy.endpoint()).run();
            System.out.println("seed through the fault proxy: " + proxy.report() + "; " + r.err().lines().reduce((a, b) -> b).orElse(""));
            assertEquals(0, r.exit(), r::toString);
            assertTrue(proxy.injected(FaultProxy.Fault.UNPROCESSED_ITEMS) > 0);
            assertTrue(proxy.injected(FaultProxy.Fault.PROVISIONED_THROUGHPUT_EXCEEDED) > 0);
            assertTrue(proxy.injected(FaultProxy.Fault.THROTTLING) > 0);
            assertTrue(proxy.injected(FaultProxy.Fault.DROP_CONNECTION) > 0);
        }
        var items = Tables.snapshot(ddb, table);
        assertEquals(20 * 50, items.size(), "every item exactly once");
    }

    /** A table that keeps taking half of every call is making progress: seed carries on until all has landed. */
    @Test
    void partialProgressIsNotFailure() throws Exception {
        String table = Tables.fresh("seed-partial");
        try (FaultProxy proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.UNPROCESSED_ITEMS, 2)))) {
            var r = Cli.script("seed", "--table", table, "--endpoint-url", proxy.endpoint()).env("AWS_MAX_ATTEMPTS", "2").run();
            System.out.println("seed against a table that refuses half of every other call: " + proxy.report());
            assertEquals(0, r.exit(), r::toString);
            assertEquals(57, LocalDynamo.scanAll(ddb, table).size());
        }
    }

    @Test
    void aTableThatNeverAcceptsFailsWithinTheWindowAndListsWhatWasNotWritten() throws Exception {
        String table = Tables.fresh("seed-hopeless");
        try (FaultProxy proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.PROVISIONED_THROUGHPUT_EXCEEDED, 1)))) {
            long started = System.nanoTime();
            var r = Cli.script("seed", "--table", table, "--endpoint-url", proxy.endpoint(), "--give-up-after", "4").run();
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("seed against a table that never accepts: %s, exit after %.1f s%n", proxy.report(), seconds);
            assertEquals(1, r.exit(), r::toString);
            String last = r.err().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.matches("seed: 57 of 57 writes were not made \\(no item landed for 4 s; last answer: DynamoDB refused the request "
                    + "\\(ProvisionedThroughputExceededException\\).*\\): (MSG|GRP)#.* \\.\\.\\. and 47 more\\. Run seed again .*"), r::toString);
            assertTrue(seconds < 30, "gives up soon after the window: " + seconds);
            assertTrue(LocalDynamo.scanAll(ddb, table).isEmpty(), "the report matches the table");
        }
    }

    @Test
    void faultsThatNeverStopFailClearlyAndListWhatWasNotWritten() throws Exception {
        String table = Tables.fresh("seed-stuck");
        // Half of every call is handed back: a call of one item never lands, so the last item is stuck.
        try (FaultProxy proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.UNPROCESSED_ITEMS, 1)))) {
            var r = Cli.script("seed", "--table", table, "--endpoint-url", proxy.endpoint(), "--give-up-after", "3").run();
            System.out.println("seed against a table that never takes every write: " + proxy.report());
            assertEquals(1, r.exit(), r::toString);
            String last = r.err().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.matches("seed: \\d+ of 57 writes were not made \\(no item landed for 3 s; last answer: left unprocessed by DynamoDB\\): (MSG|GRP)#.*"), r::toString);
            assertTrue(last.endsWith("Run seed again to complete the data set: it replaces, never duplicates."), r::toString);
            int notWritten = Integer.parseInt(last.replaceAll("seed: (\\d+) of.*", "$1"));
            assertTrue(notWritten >= 1 && notWritten < 57, "some landed, some did not: " + last);
            assertEquals(57 - notWritten, LocalDynamo.scanAll(ddb, table).size(), "the report matches the table");
        }
    }

    // ---- bad seeds: one clear line, exit 1, the table untouched ----

    Path seedsCopy() throws IOException {
        Path dir = Files.createTempDirectory("seeds");
        Files.createDirectories(dir.resolve("conversations"));
        Files.copy(Cli.REPO.resolve("seeds/users.json"), dir.resolve("users.json"));
        try (Stream<Path> s = Files.list(Cli.REPO.resolve("seeds/conversations"))) {
            for (Path f : s.toList()) Files.copy(f, dir.resolve("conversations").resolve(f.getFileName()));
        }
        return dir;
    }

    void assertRejected(Path seeds, String expectedMessage) {
        String table = Tables.fresh("seed-bad");
        Tables.putAll(ddb, table, List.of(Tables.item("MSG#existing", "2026-01-01T00:00:00.000000+00:00", "before")));
        var before = Tables.snapshot(ddb, table);
        var r = Cli.local("seed", "--table", table, "--seeds", seeds.toString()).run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().startsWith("seed: " + expectedMessage), "expected '" + expectedMessage + "' in:\n" + r);
        assertEquals(1, r.err().lines().count(), "one line, no stack trace: " + r);
        assertEquals(before, Tables.snapshot(ddb, table), "table untouched");
    }

    /** Edits one file of a copy of seeds/ and expects seed to reject it; FILE in the message is that file. */
    void assertEditRejected(String file, String from, String to, String expected) throws IOException {
        Path seeds = seedsCopy();
        Path edited = seeds.resolve(file);
        String text = Files.readString(edited);
        assertTrue(text.contains(from), from);
        Files.writeString(edited, text.replace(from, to));
        assertRejected(seeds, expected.replace("FILE", edited.toString()));
    }

    @Test
    void malformedJsonNamesFileLineAndColumn() throws Exception {
        assertEditRejected("conversations/andrewbrown-bayko.json", "\"participants\": [", "\"participants\": [[,", "FILE:3:");
    }

    @Test
    void unknownHandleIsRejected() throws Exception {
        assertEditRejected("conversations/andrewbrown-bayko.json", "\"bayko\"", "\"kosh\"",
                "FILE: participants[1]: unknown handle 'kosh'");
    }

    @Test
    void duplicateUserUuidIsRejected() throws Exception {
        assertEditRejected("users.json", "3c9b2e7d-5a14-4c8b-b6f2-9d0e1f2a3b04", "7e6d1a4b-0c2f-4f3e-9a51-2b8c4d6e8f01",
                "FILE: users[1]: duplicate uuid 7e6d1a4b-0c2f-4f3e-9a51-2b8c4d6e8f01");
    }

    @Test
    void duplicateConversationUuidIsRejected() throws Exception {
        assertEditRejected("conversations/andrewbrown-londo.json", "1c4e8b2a-7d3f-4a6e-9b0c-5d2f8e1a3b77",
                "5ae290ed-55d1-47a0-bc6d-fe2bc2700399", "FILE: duplicate message_group_uuid 5ae290ed-55d1-47a0-bc6d-fe2bc2700399");
    }

    @Test
    void emptyMessageIsRejected() throws Exception {
        assertEditRejected("conversations/andrewbrown-londo.json", "\"See you on the timeline, Ambassador.\"", "\"  \"",
                "FILE: messages[11]: empty message");
    }

    @Test
    void oversizedItemIsRejected() throws Exception {
        assertEditRejected("conversations/andrewbrown-londo.json", "\"See you on the timeline, Ambassador.\"",
                "\"" + "Ambassador! ".repeat(35_000) + "\"", "FILE: messages[11]: item of ");
    }

    @Test
    void missingSeedsFolderIsRejected() {
        assertRejected(Path.of("/nonexistent/seeds"), "No seeds folder at /nonexistent/seeds");
    }

    @Test
    void badNowIsAUsageError() {
        var r = Cli.local("seed", "--table", "whatever", "--now", "yesterday").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--now: 'yesterday' is not an ISO-8601 date or timestamp"), r::toString);
    }

    @Test
    void seedsAreFoundFromAnyWorkingDirectory() throws Exception {
        String table = Tables.fresh("seed-cwd");
        var r = Cli.local("seed", "--table", table).in(Files.createTempDirectory("elsewhere")).run();
        assertEquals(0, r.exit(), r::toString);
        Set<String> handles = new HashSet<>();
        LocalDynamo.scanAll(ddb, table).forEach(i -> handles.add(i.get("user_handle").s()));
        assertEquals(Set.of("andrewbrown", "bayko", "londo"), handles);
        assertFalse(new ArrayList<>(handles).isEmpty());
    }
}
