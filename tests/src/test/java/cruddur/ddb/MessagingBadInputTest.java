package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Bad input to the write patterns and the stream consumer: one line, the documented exit code, and the table exactly as
 * it was. Then the prod guard: writes in prod need a typed confirmation or --yes, as seed does.
 */
class MessagingBadInputTest {
    static final String UNKNOWN_GROUP = "00000000-0000-4000-8000-000000000000";
    static String table, group;

    @BeforeAll
    static void aConversation() {
        table = MessagingTest.streamTable("messaging-bad");
        group = MessagingTest.group(table, "--from", "andrewbrown", "--to", "bayko", "--text", "hello");
    }

    static Arguments bad(String name, int exit, String message, String stdin, String script, String... args) {
        return Arguments.of(name, exit, message, stdin, script, args);
    }

    static Stream<Arguments> cases() {
        String huge = "x".repeat(401 * 1024);
        return Stream.of(
                bad("unknown handle", 2, "create-message-group: unknown handle 'kosh'", "", "patterns/create-message-group",
                        "--from", "kosh", "--to", "bayko", "--text", "hi"),
                bad("same user twice", 2, "create-message-group: --from and --to must be two different users", "",
                        "patterns/create-message-group", "--from", "bayko", "--to", "bayko", "--text", "hi"),
                bad("malformed user uuid", 2, "create-message-group: --from-uuid 'nope' is not a UUID", "", "patterns/create-message-group",
                        "--from", "me", "--from-uuid", "nope", "--to", "bayko", "--text", "hi"),
                bad("name without uuid", 2, "create-message-group: --to-name needs --to-uuid", "", "patterns/create-message-group",
                        "--from", "andrewbrown", "--to", "bayko", "--to-name", "B", "--text", "hi"),
                bad("empty text for a group", 2, "create-message-group: --text must not be empty", "", "patterns/create-message-group",
                        "--from", "andrewbrown", "--to", "londo", "--text", "  "),
                bad("text over 400 KB for a group", 2, "create-message-group: --text is too long", huge, "patterns/create-message-group",
                        "--from", "andrewbrown", "--to", "londo", "--text", "-"),
                bad("missing --text", 2, "create-message-group: Missing required option: '--text=TEXT'", "", "patterns/create-message-group",
                        "--from", "andrewbrown", "--to", "londo"),
                bad("malformed time", 2, "create-message-group: --at: 'yesterday' is not an ISO-8601", "", "patterns/create-message-group",
                        "--from", "andrewbrown", "--to", "londo", "--text", "hi", "--at", "yesterday"),
                bad("malformed group uuid", 2, "create-message: 'abc' is not a message group UUID", "", "patterns/create-message",
                        "abc", "--from", "bayko", "--text", "hi"),
                bad("sender not a participant", 1, "create-message: 'londo' is not a participant of conversation", "",
                        "patterns/create-message", "GROUP", "--from", "londo", "--text", "hi"),
                bad("unknown conversation", 1, "create-message: No conversation " + UNKNOWN_GROUP, "", "patterns/create-message",
                        UNKNOWN_GROUP, "--from", "bayko", "--text", "hi"),
                bad("empty text", 2, "create-message: --text must not be empty", "", "patterns/create-message",
                        "GROUP", "--from", "bayko", "--text", ""),
                bad("empty text from stdin", 2, "create-message: --text must not be empty", "\n", "patterns/create-message",
                        "GROUP", "--from", "bayko", "--text", "-"),
                bad("text over 400 KB", 2, "create-message: --text is too long: the item would be", huge, "patterns/create-message",
                        "GROUP", "--from", "bayko", "--text", "-"),
                bad("missing group uuid", 2, "create-message: Missing required parameter", "", "patterns/create-message",
                        "--from", "bayko", "--text", "hi"),
                bad("unreadable state file", 1, "messaging-stream: ", "", "messaging-stream", "--once", "--state", "STATE"),
                bad("--from that is no position", 2, "messaging-stream: Invalid value for option '--from': 'yesterday' is not "
                        + "trim-horizon, latest or an ISO-8601 time", "", "messaging-stream", "--once", "--from", "yesterday", "--state", "NEW_STATE"),
                bad("--from a date that is none", 2, "messaging-stream: Invalid value for option '--from': '2026-02-30' is not",
                        "", "messaging-stream", "--once", "--from", "2026-02-30", "--state", "NEW_STATE"),
                bad("--max-lag without --once", 2, "messaging-stream: --max-lag needs --once", "", "messaging-stream",
                        "--max-lag", "60", "--state", "NEW_STATE"),
                bad("--dry-run without --repair", 2, "messaging-stream: --dry-run goes with --repair", "", "messaging-stream",
                        "--once", "--dry-run", "--state", "NEW_STATE"),
                bad("--repair with stream options", 2, "messaging-stream: --repair reads the table, not the stream", "",
                        "messaging-stream", "--repair", "--from", "latest"),
                bad("--parallel 0", 2, "messaging-stream: --parallel must be 1 to 256", "", "messaging-stream", "--once",
                        "--parallel", "0", "--state", "NEW_STATE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsOneLineAndWritesNothing(String name, int exit, String message, String stdin, String script, String[] args) throws Exception {
        var before = Tables.snapshot(LocalDynamo.client(), table);
        List<String> all = new ArrayList<>();
        for (String a : args) all.add(a.equals("GROUP") ? group : a);
        if (all.contains("STATE")) {
            var state = Files.createTempFile("state", ".json");
            Files.writeString(state, "{ not json");
            all.set(all.indexOf("STATE"), state.toString());
        }
        java.nio.file.Path fresh = Files.createTempDirectory("state").resolve("never.json");
        if (all.contains("NEW_STATE")) all.set(all.indexOf("NEW_STATE"), fresh.toString());
        all.addAll(List.of("--table", table));
        var r = Cli.local(script, all.toArray(String[]::new)).stdin(stdin).run();
        assertEquals(exit, r.exit(), r::toString);
        List<String> lines = r.err().lines().filter(l -> l.startsWith(message.substring(0, message.indexOf(':') + 1))).toList();
        assertEquals(1, lines.size(), "one line: " + r);
        assertTrue(lines.get(0).startsWith(message), r::toString);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r);
        assertEquals("", r.out(), "nothing on stdout: " + r);
        assertEquals(before, Tables.snapshot(LocalDynamo.client(), table), "the table is untouched");
        assertFalse(Files.exists(fresh), "no state file written");
    }

    @Test
    void withoutAStreamOrTheIndexTheConsumerFailsAtOnceSayingWhatToRun() throws Exception {
        String plain = Tables.fresh("messaging-nostream");
        var r = Cli.local("messaging-stream", "--table", plain, "--once", "--state", Files.createTempDirectory("s").resolve("s.json").toString()).run();
        assertEquals(1, r.exit(), r::toString);
        assertEquals("messaging-stream: Table " + plain + " has no stream: run bin/ddb/schema-load --stream --gsi", r.err(), r::toString);

        String streamOnly = LocalDynamo.uniqueTable("messaging-nogsi");
        assertEquals(0, Cli.local("schema-load", "--table", streamOnly, "--stream").run().exit());
        var noIndex = Cli.local("messaging-stream", "--table", streamOnly, "--once").run();
        assertEquals(1, noIndex.exit(), noIndex::toString);
        assertEquals("messaging-stream: Table " + streamOnly + " has no index message-group-sk-index: run bin/ddb/schema-load --stream --gsi",
                noIndex.err(), noIndex::toString);
        // A conversation behind its newest message, in a table without the index: --repair refuses and writes nothing.
        var ddb = LocalDynamo.client();
        Tables.putAll(ddb, plain, List.of(Map.of("pk", AttributeValue.fromS("GRP#" + UNKNOWN_GROUP), "sk", AttributeValue.fromS("2026-01-01T00:00:00.000000+00:00"),
                        "message_group_uuid", AttributeValue.fromS(group), "message", AttributeValue.fromS("old")),
                Map.of("pk", AttributeValue.fromS("MSG#" + group), "sk", AttributeValue.fromS("2026-02-01T00:00:00.000000+00:00"),
                        "message", AttributeValue.fromS("new"))));
        var unrepaired = Tables.snapshot(ddb, plain);
        var repair = Cli.local("messaging-stream", "--repair", "--table", plain).run();
        assertEquals(1, repair.exit(), repair::toString);
        assertEquals("messaging-stream: Table " + plain + " has no index message-group-sk-index: run bin/ddb/schema-load --gsi",
                repair.err(), repair::toString);
        assertEquals("", repair.out(), "nothing repaired: " + repair);
        assertEquals(unrepaired, Tables.snapshot(ddb, plain), "nothing written");
        var write = Cli.local("patterns/create-message", group, "--table", streamOnly, "--from", "bayko", "--text", "hi").run();
        assertEquals(1, write.exit(), write::toString);
        assertTrue(write.err().startsWith("create-message: Table " + streamOnly + " has no index message-group-sk-index"), write::toString);

        // The command it names makes the table ready, and then the consumer runs.
        var fix = Cli.local("schema-load", "--table", plain, "--stream", "--gsi").run();
        assertEquals(0, fix.exit(), fix::toString);
        assertTrue(fix.out().contains("added the stream (NEW_IMAGE) and GSI message-group-sk-index"), fix::toString);
        var ready = Cli.local("messaging-stream", "--table", plain, "--once", "--state", Files.createTempDirectory("s").resolve("s.json").toString()).run();
        assertEquals(0, ready.exit(), ready::toString);
    }

    @Test
    void prodWritesNeedConfirmationLikeSeed() throws Exception {
        var before = Tables.snapshot(LocalDynamo.client(), table);
        String state = Files.createTempDirectory("s").resolve("s.json").toString();
        List<String[]> writes = List.of(
                new String[] {"patterns/create-message-group", "prod", "--from", "andrewbrown", "--to", "londo", "--text", "hi", "--table", table},
                new String[] {"patterns/create-message", group, "prod", "--from", "bayko", "--text", "hi", "--table", table},
                new String[] {"messaging-stream", "prod", "--once", "--state", state, "--table", table});
        for (String[] w : writes) {
            var refused = Cli.script(w[0], java.util.Arrays.copyOfRange(w, 1, w.length)).prodAtLocal().run();
            assertEquals(1, refused.exit(), refused::toString);
            assertTrue(refused.err().contains("in prod without confirmation: pass --yes"), refused::toString);
        }
        assertEquals(before, Tables.snapshot(LocalDynamo.client(), table), "nothing written without confirmation");
        assertFalse(Files.exists(java.nio.file.Path.of(state)), "no state written either");

        List<String> yes = new ArrayList<>(List.of(writes.get(1)));
        yes.add("--yes");
        var confirmed = Cli.script(yes.get(0), yes.subList(1, yes.size()).toArray(String[]::new)).prodAtLocal().run();
        assertEquals(0, confirmed.exit(), confirmed::toString);
        assertTrue(confirmed.err().contains("Writing a message to table " + table + " at prod"), confirmed::toString);
        Map<String, Map<String, AttributeValue>> after = Tables.snapshot(LocalDynamo.client(), table);
        assertEquals(before.size() + 1, after.size(), "one message written");
    }
}
