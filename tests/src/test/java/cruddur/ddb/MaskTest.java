package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * export --mask and mask: nothing personal left, the same key masks the same way, and the masked copy still works
 * (counts, times, group items pointing at each other, the access patterns by masked handle).
 */
class MaskTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static String table;
    static Path dir, seeds, keyFile, masked;
    /** Every personal value of the data set: uuids, handles, display names, message texts. */
    static final Set<String> personal = new HashSet<>();

    /** seeds/ plus two more users and a conversation of theirs, seeded into a fresh table, exported masked once. */
    @BeforeAll
    static void seededAndMasked() throws Exception {
        dir = Files.createTempDirectory("mask");
        seeds = dir.resolve("seeds");
        Files.createDirectories(seeds.resolve("conversations"));
        ArrayNode users = (ArrayNode) JSON.readTree(Cli.REPO.resolve("seeds/users.json").toFile());
        users.addObject().put("uuid", "0f0e0d0c-1b2a-4c3d-8e4f-5a6b7c8d9e01").put("handle", "gkartagena")
                .put("display_name", "Garibaldi Kartagena");
        users.addObject().put("uuid", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c02").put("handle", "ivanova")
                .put("display_name", "Susan Ivanova");
        Files.writeString(seeds.resolve("users.json"), users.toString());
        try (Stream<Path> files = Files.list(Cli.REPO.resolve("seeds/conversations"))) {
            for (Path f : files.toList()) Files.copy(f, seeds.resolve("conversations").resolve(f.getFileName()));
        }
        ObjectNode extra = JSON.createObjectNode().put("message_group_uuid", "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f903");
        extra.putArray("participants").add("gkartagena").add("ivanova");
        ArrayNode messages = extra.putArray("messages");
        for (int i = 0; i < 7; i++) {
            messages.addObject().put("from", i % 2 == 0 ? "gkartagena" : "ivanova")
                    .put("text", "Message " + i + " from the station: Ivanova is God, says Garibaldi Kartagena.");
        }
        Files.writeString(seeds.resolve("conversations/gkartagena-ivanova.json"), extra.toString());
        for (JsonNode u : users) {
            personal.add(u.get("uuid").asText());
            personal.add(u.get("handle").asText());
            personal.add(u.get("display_name").asText());
        }
        try (Stream<Path> files = Files.list(seeds.resolve("conversations"))) {
            for (Path f : files.toList()) JSON.readTree(f.toFile()).get("messages")
                    .forEach(m -> personal.add(m.get("text").asText()));
        }
        table = Tables.fresh("mask");
        var seed = Cli.local("seed", "--table", table, "--seeds", seeds.toString()).run();
        assertEquals(0, seed.exit(), seed::toString);
        keyFile = dir.resolve("key");
        Files.writeString(keyFile, "a secret of the team\n");
        masked = dir.resolve("masked.json.gz");
        var r = Cli.local("export", "--table", table, "--mask", "--mask-key-file", keyFile.toString(),
                "--users-out", seeds.resolveSibling("users.json").toString(), "--file", masked.toString()).run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("Masked 66 items; 5 masked users"), r::toString);
    }

    static List<String> sortedLines(Path file) throws Exception {
        List<String> lines = new ArrayList<>(ExportImportTest.lines(file));
        lines.sort(null);
        return lines;
    }

    @Test
    void nothingPersonalIsLeftInTheMaskedFileOrTheUsersFile() throws Exception {
        String all = String.join("\n", ExportImportTest.lines(masked)).toLowerCase()
                + Files.readString(dir.resolve("users.json")).toLowerCase();
        assertEquals(66, ExportImportTest.lines(masked).size());
        for (String value : personal) assertFalse(all.contains(value.toLowerCase()), "left in the masked data: " + value);
        // what names nobody stays: the conversations' uuids
        assertTrue(all.contains("2b3c4d5e-6f70-4182-93a4-b5c6d7e8f903"));
    }

    @Test
    void theSameKeyMasksTheSameWayAnotherKeyAnotherWay() throws Exception {
        Path again = dir.resolve("again.json"), other = dir.resolve("other.json");
        var same = Cli.local("export", "--table", table, "--mask", "--file", again.toString(), "--segments", "2")
                .env("CRUDDUR_MASK_KEY", "a secret of the team").run();
        assertEquals(0, same.exit(), same::toString);
        assertEquals(sortedLines(masked), sortedLines(again));
        var otherKey = Cli.local("export", "--table", table, "--mask", "--file", other.toString())
                .env("CRUDDUR_MASK_KEY", "another secret").run();
        assertEquals(0, otherKey.exit(), otherKey::toString);
        List<String> a = sortedLines(masked), b = sortedLines(other);
        assertEquals(a.size(), b.size());
        assertTrue(b.stream().noneMatch(new HashSet<>(a)::contains), "another key, yet some lines are the same");
        var random = Cli.local("export", "--table", table, "--mask", "--file", dir.resolve("r.json").toString())
                .unsetEnv("CRUDDUR_MASK_KEY").run();
        assertEquals(0, random.exit(), random::toString);
        assertTrue(random.err().contains("masking with a random key for this run"), random::toString);
    }

    @Test
    void theMaskedCopyStillWorks() throws Exception {
        String copy = LocalDynamo.uniqueTable("masked-copy");
        var imp = Cli.local("import", "--table", copy, "--create", masked.toString()).run();
        assertEquals(0, imp.exit(), imp::toString);
        var ddb = LocalDynamo.client();
        var original = LocalDynamo.scanAll(ddb, table);
        var copied = LocalDynamo.scanAll(ddb, copy);
        assertEquals(original.size(), copied.size());
        // every conversation keeps its messages' count and times
        assertEquals(messageTimes(original), messageTimes(copied));
        // the two group items of a conversation point at each other
        Map<String, List<Map<String, AttributeValue>>> groups = new HashMap<>();
        for (var item : copied) {
            if (item.get("pk").s().startsWith("GRP#")) {
                groups.computeIfAbsent(item.get("message_group_uuid").s(), g -> new ArrayList<>()).add(item);
            }
        }
        assertEquals(3, groups.size());
        for (var pair : groups.values()) {
            assertEquals(2, pair.size());
            assertEquals(pair.get(0).get("pk").s(), "GRP#" + pair.get(1).get("user_uuid").s());
            assertEquals(pair.get(1).get("pk").s(), "GRP#" + pair.get(0).get("user_uuid").s());
        }
        // the patterns by masked handle: the same shape as the original's by the real handle
        JsonNode users = JSON.readTree(dir.resolve("users.json").toFile()), realUsers = JSON.readTree(
                seeds.resolve("users.json").toFile());
        assertEquals(realUsers.size(), users.size());
        List<Integer> counts = new ArrayList<>(), realCounts = new ArrayList<>();
        Set<String> groupsSeen = new HashSet<>();
        JsonNode someConversation = null;
        for (JsonNode u : users) {
            JsonNode mine = listConversations(copy, u.get("handle").asText(), dir);
            counts.add(mine.get("Count").asInt());
            for (JsonNode conversation : mine.get("Items")) {
                someConversation = conversation;
                String group = conversation.get("message_group_uuid").asText();
                if (!groupsSeen.add(group)) continue;
                JsonNode masked = getConversation(copy, group), real = getConversation(table, group);
                assertEquals(real.get("Count"), masked.get("Count"));
                assertEquals(fieldNames(real.get("Items").get(0)), fieldNames(masked.get("Items").get(0)));
            }
        }
        assertEquals(groups.keySet(), groupsSeen);
        JsonNode theirs = listConversations(table, "andrewbrown", seeds);
        assertEquals(fieldNames(theirs.get("Items").get(0)), fieldNames(someConversation));
        // as many conversations per user as the original's GRP# partitions hold
        Map<String, Integer> perOwner = new TreeMap<>();
        for (var item : original) {
            if (item.get("pk").s().startsWith("GRP#")) perOwner.merge(item.get("pk").s(), 1, Integer::sum);
        }
        realCounts.addAll(perOwner.values());
        counts.sort(null);
        realCounts.sort(null);
        assertEquals(realCounts, counts);
    }

    /**
     * messaging-stream works on the masked copy: imported into a table with its stream and index, the consumer finds
     * every conversation's group items already at its last message; a new message, sent by a masked handle, moves
     * both group items of its conversation, which keep naming the masked participants.
     */
    @Test
    void messagingStreamKeepsTheMaskedCopyCurrent() throws Exception {
        String copy = MessagingTest.streamTable("masked-stream");
        var imp = Cli.local("import", "--table", copy, masked.toString()).run();
        assertEquals(0, imp.exit(), imp::toString);
        long messages = ExportImportTest.lines(masked).stream().filter(l -> l.contains("\"S\":\"MSG#")).count();
        Path state = MessagingTest.stateFile();
        var imported = MessagingTest.stream(copy, state);
        assertEquals(0, imported.exit(), imported::toString);
        int[] summary = MessagingTest.summary(imported); // records, new messages, moved, already current, conversations
        assertEquals(66, summary[0], imported::toString);
        assertEquals(messages, summary[1], imported::toString);
        assertEquals(3, summary[4], imported::toString);
        assertEquals(0, summary[2], "the masked group items point at their conversations' last messages: " + imported);
        assertEquals(6, summary[3], imported::toString);

        String group = "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f903";
        var ddb = LocalDynamo.client();
        Map<String, Map<String, AttributeValue>> before = new TreeMap<>(); // by owner's masked uuid
        for (var item : LocalDynamo.scanAll(ddb, copy)) {
            if (item.get("pk").s().startsWith("GRP#") && item.get("message_group_uuid").s().equals(group)) {
                before.put(item.get("pk").s().substring(4), item);
            }
        }
        assertEquals(2, before.size(), before::toString);
        var sendersEntry = before.values().iterator().next(); // the sender is the participant this item shows
        String sender = sendersEntry.get("user_handle").s(), senderUuid = sendersEntry.get("user_uuid").s();
        assertFalse(personal.contains(sender), sender);
        var sent = Cli.local("patterns/create-message", group, "--table", copy, "--from", sender, "--text",
                "A new message on the masked copy.").run();
        assertEquals(0, sent.exit(), sent::toString);
        String sk = sent.out().strip().split(" ")[0];
        var message = ddb.getItem(g -> g.tableName(copy).key(Map.of("pk", AttributeValue.fromS("MSG#" + group),
                "sk", AttributeValue.fromS(sk)))).item();
        assertEquals(senderUuid, message.get("user_uuid").s(), message::toString);
        assertEquals(sender, message.get("user_handle").s(), message::toString);

        var r = MessagingTest.stream(copy, state);
        assertEquals(0, r.exit(), r::toString);
        summary = MessagingTest.summary(r);
        assertEquals(1, summary[1], r::toString);
        assertEquals(2, summary[2], "both group items move to the new message: " + r);
        for (var item : LocalDynamo.scanAll(ddb, copy)) {
            if (!item.get("pk").s().startsWith("GRP#") || !item.get("message_group_uuid").s().equals(group)) continue;
            var was = before.remove(item.get("pk").s().substring(4));
            assertEquals(sk, item.get("sk").s(), item::toString);
            assertEquals("A new message on the masked copy.", item.get("message").s());
            for (String name : List.of("user_uuid", "user_handle", "user_display_name")) {
                assertEquals(was.get(name), item.get(name), name + " of " + item);
            }
        }
        assertEquals(Map.of(), before, "each group item moved, none added");
    }

    static Map<String, List<String>> messageTimes(List<Map<String, AttributeValue>> items) {
        Map<String, List<String>> times = new TreeMap<>();
        for (var item : items) {
            if (item.get("pk").s().startsWith("MSG#")) {
                times.computeIfAbsent(item.get("pk").s(), p -> new ArrayList<>()).add(item.get("sk").s());
            }
        }
        times.values().forEach(l -> l.sort(null));
        return times;
    }

    static List<String> fieldNames(JsonNode item) {
        List<String> names = new ArrayList<>();
        item.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    static JsonNode listConversations(String table, String handle, Path seedsDir) throws Exception {
        var r = Cli.local("patterns/list-conversations", handle, "--seeds", seedsDir.toString(), "--table", table,
                "--since", "2000-01-01", "-o", "json").run();
        assertEquals(0, r.exit(), r::toString);
        return JSON.readTree(r.out());
    }

    static JsonNode getConversation(String table, String group) throws Exception {
        var r = Cli.local("patterns/get-conversation", group, "--table", table, "--all", "--since", "2000-01-01",
                "-o", "json").run();
        assertEquals(0, r.exit(), r::toString);
        return JSON.readTree(r.out());
    }

    /** mask on an export file someone already has: the same key, the same lines as export --mask. */
    @Test
    void theMaskScriptMasksAFileAsExportDoesAndStopsAtABadLine() throws Exception {
        Path plain = dir.resolve("plain.json.gz"), out = dir.resolve("mask-script.json");
        var export = Cli.local("export", "--table", table, "--file", plain.toString()).run();
        assertEquals(0, export.exit(), export::toString);
        var r = Cli.script("mask", plain.toString(), "--file", out.toString()).env("CRUDDUR_MASK_KEY",
                "a secret of the team").run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals(sortedLines(masked), sortedLines(out));
        Path bad = dir.resolve("bad-line.json"), notWritten = dir.resolve("bad-out.json");
        Files.writeString(bad, ExportImportTest.lines(plain).get(0) + "\n{\"Item\": nope}\n");
        var badLine = Cli.script("mask", bad.toString(), "--file", notWritten.toString(), "--mask-key-file",
                keyFile.toString()).run();
        assertEquals(1, badLine.exit(), badLine::toString);
        assertTrue(badLine.err().startsWith("mask: " + bad + ":2: malformed JSON"), badLine::toString);
        assertFalse(Files.exists(notWritten));
    }

    /**
     * Two users whose handles mask to the same pseudonym under a key: crew76735 and crew83355 both give mokota3392
     * under "collision test key" (found by trying crew0, crew1, ... offline; a handle pseudonym has about 3.4 billion
     * values, so a table of tens of thousands of users has such a pair). They must stay two users, and the same key
     * must still give the same file whatever order the items come in (export's segments, a file read backwards).
     */
    @Test
    void twoHandlesThatMaskAlikeStayTwoUsersAndTheSameKeyStillGivesTheSameFile() throws Exception {
        Path crew = dir.resolve("collide"), conversations = crew.resolve("conversations");
        Files.createDirectories(conversations);
        String[][] people = {{"c0ffee00-0000-4000-8000-000000000001", "crew76735", "Lyta Alexander"},
                {"c0ffee00-0000-4000-8000-000000000002", "crew83355", "Marcus Cole"},
                {"c0ffee00-0000-4000-8000-000000000003", "crewlead", "John Sheridan"}};
        ArrayNode users = JSON.createArrayNode();
        for (String[] p : people) users.addObject().put("uuid", p[0]).put("handle", p[1]).put("display_name", p[2]);
        Files.writeString(crew.resolve("users.json"), users.toString());
        String[][] pairs = {{"crew76735", "crewlead"}, {"crew83355", "crewlead"}, {"crew76735", "crew83355"}};
        for (int i = 0; i < pairs.length; i++) {
            ObjectNode c = JSON.createObjectNode().put("message_group_uuid", "c0ffee00-0000-4000-9000-00000000000" + i);
            c.putArray("participants").add(pairs[i][0]).add(pairs[i][1]);
            ArrayNode messages = c.putArray("messages");
            for (int m = 0; m < 4; m++) messages.addObject().put("from", pairs[i][m % 2]).put("text", "Line " + m);
            Files.writeString(conversations.resolve(i + ".json"), c.toString());
        }
        String crewTable = Tables.fresh("mask-collide");
        var seed = Cli.local("seed", "--table", crewTable, "--seeds", crew.toString()).run();
        assertEquals(0, seed.exit(), seed::toString);
        Path exported = dir.resolve("collide-masked.json"), usersOut = dir.resolve("collide-users.json");
        var r = Cli.local("export", "--table", crewTable, "--mask", "--segments", "3", "--users-out",
                usersOut.toString(), "--file", exported.toString()).env("CRUDDUR_MASK_KEY", "collision test key").run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("; 1 handle pseudonym given by two handles went to neither"), r::toString);
        // one handle per masked user, and three users with three handles
        Map<String, Set<String>> handles = new TreeMap<>();
        for (String line : ExportImportTest.lines(exported)) {
            JsonNode item = JSON.readTree(line).get("Item");
            handles.computeIfAbsent(item.get("user_uuid").get("S").asText(), u -> new HashSet<>())
                    .add(item.get("user_handle").get("S").asText());
        }
        assertEquals(3, handles.size(), handles::toString);
        Set<String> distinct = new HashSet<>();
        handles.values().forEach(h -> assertEquals(1, h.size(), handles::toString));
        handles.values().forEach(distinct::addAll);
        assertEquals(3, distinct.size(), "two users share a masked handle: " + handles);
        assertFalse(distinct.contains("mokota3392"), "the shared pseudonym is given to neither: " + handles);
        JsonNode masked = JSON.readTree(usersOut.toFile());
        assertEquals(3, masked.size(), masked::toString);
        for (JsonNode u : masked) assertEquals(Set.of(u.get("handle").asText()), handles.get(u.get("uuid").asText()));
        // the same key, the same file: mask on the plain export read backwards gives export --mask's lines
        Path plain = dir.resolve("collide-plain.json"), backwards = dir.resolve("collide-backwards.json");
        var export = Cli.local("export", "--table", crewTable, "--file", plain.toString()).run();
        assertEquals(0, export.exit(), export::toString);
        List<String> lines = new ArrayList<>(ExportImportTest.lines(plain));
        java.util.Collections.reverse(lines);
        Files.write(backwards, lines);
        Path again = dir.resolve("collide-again.json");
        var mask = Cli.script("mask", backwards.toString(), "--file", again.toString())
                .env("CRUDDUR_MASK_KEY", "collision test key").run();
        assertEquals(0, mask.exit(), mask::toString);
        assertEquals(sortedLines(exported), sortedLines(again));
        // stdout cannot be rewritten once the clash shows: one line, exit 1
        var toStdout = Cli.script("mask", backwards.toString()).env("CRUDDUR_MASK_KEY", "collision test key").run();
        assertEquals(1, toStdout.exit(), toStdout::toString);
        assertEquals("mask: two users' handles masked to the same pseudonym under this key, and the masked items went "
                + "to stdout: mask to --file FILE, which resolves it", toStdout.err().strip());
    }

    @Test
    void badMaskOptionsSayOneThingAndWriteNothing() throws Exception {
        Path out = dir.resolve("bad.json"), users = dir.resolve("bad-users.json");
        var noKey = Cli.local("export", "--table", table, "--mask", "--mask-key-file", dir.resolve("nokey").toString(),
                "--users-out", users.toString(), "--file", out.toString()).run();
        assertEquals(2, noKey.exit(), noKey::toString);
        assertEquals("export: --mask-key-file: cannot read " + dir.resolve("nokey") + " (no such file)",
                noKey.err().lines().findFirst().orElse(""));
        var noMask = Cli.local("export", "--table", table, "--users-out", users.toString(), "--file", out.toString())
                .run();
        assertEquals(2, noMask.exit(), noMask::toString);
        assertEquals("export: --users-out needs --mask", noMask.err().lines().findFirst().orElse(""));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("bad")).toList());
        }
        assertNotEquals("", noMask.err());
    }
}
