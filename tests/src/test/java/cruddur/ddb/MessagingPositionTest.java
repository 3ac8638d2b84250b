package cruddur.ddb;

import static cruddur.ddb.MessagingTest.at;
import static cruddur.ddb.MessagingTest.message;
import static cruddur.ddb.MessagingTest.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Where the consumer starts, how far behind it is, and what it does when the stream no longer has what it needs.
 * Stream records age in a DynamoDB Local of its own that keeps its data in a file: python3's sqlite3 sets their
 * creation times back (DynamoDB Local reads them from there at each call, and trims those over 24 hours old).
 */
class MessagingPositionTest {
    static LocalDynamo.Server server;
    static Path data;
    static DynamoDbClient ddb;
    static final MessagingTest checks = new MessagingTest();

    @BeforeAll
    static void aServerWithItsDataInAFile() throws Exception {
        boolean python = new ProcessBuilder("python3", "-c", "import sqlite3").start().waitFor() == 0;
        Assumptions.assumeTrue(python, "python3 (for sqlite3) is absent");
        data = Files.createTempDirectory("position-data");
        server = LocalDynamo.Server.start(List.of("--db-path", data.toString()));
        ddb = LocalDynamo.client(server.endpoint);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop();
    }

    static String table(String name) {
        var r = Cli.script("schema-load", "--table", name, "--billing-mode", "PAY_PER_REQUEST", "--stream", "--gsi",
                "--endpoint-url", server.endpoint).run();
        assertEquals(0, r.exit(), r::toString);
        return name;
    }

    static String group(String table, String from, String to, String text, Instant t) {
        var r = Cli.script("patterns/create-message-group", "--table", table, "--from", from, "--to", to, "--text", text,
                "--at", at(t), "--endpoint-url", server.endpoint).run();
        assertEquals(0, r.exit(), r::toString);
        return r.out().lines().findFirst().orElseThrow();
    }

    static void write(String table, String group, Instant t, String text) {
        ddb.putItem(p -> p.tableName(table).item(message(group, at(t), text)));
    }

    static Cli.Result stream(String table, Path state, String... more) {
        List<String> args = new ArrayList<>(List.of("--table", table, "--once", "--state", state.toString(),
                "--endpoint-url", server.endpoint, "--verbose"));
        args.addAll(List.of(more));
        return Cli.script("messaging-stream", args.toArray(String[]::new)).run();
    }

    /** Sets the creation time of every record the table's stream holds now back by `hours`. */
    static void age(String table, int hours) throws Exception {
        String arn = ddb.describeTable(d -> d.tableName(table)).table().latestStreamArn();
        var p = new ProcessBuilder("python3", "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                + "c.execute('update us set CreationDateTime = CreationDateTime - ? * 3600 * 1000 where StreamID = ?', "
                + "(int(sys.argv[2]), sys.argv[3])); c.commit()",
                data.resolve("shared-local-instance.db").toString(), String.valueOf(hours), arn).inheritIO().start();
        assertEquals(0, p.waitFor());
    }

    List<Map<String, AttributeValue>> groupItems(String table, String group) {
        return LocalDynamo.scanAll(ddb, table).stream()
                .filter(i -> i.get("pk").s().startsWith("GRP#") && i.get("message_group_uuid").s().equals(group)).toList();
    }

    void assertAt(String table, String group, Instant t, String text) {
        var items = groupItems(table, group);
        assertEquals(2, items.size(), items::toString);
        for (var item : items) {
            assertEquals(at(t), item.get("sk").s(), items::toString);
            assertEquals(text, item.get("message").s());
        }
    }

    @Test
    void fromATimeSkipsTheRecordsBeforeItAndFromTrimHorizonReadsAll() throws Exception {
        String table = table("from-time");
        Instant t = Instant.parse("2026-08-08T08:00:00Z");
        String before = group(table, "andrewbrown", "londo", "before", t);
        String after = group(table, "andrewbrown", "bayko", "a", t.plusSeconds(1));
        write(table, before, t.plusSeconds(60), "written two hours ago");
        age(table, 2);
        write(table, after, t.plusSeconds(120), "written now");
        Instant from = Instant.now().minus(1, ChronoUnit.HOURS);

        var r = stream(table, MessagingTest.stateFile(), "--from", from.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, summary(r)[1], "only the message written after --from: " + r);
        assertTrue(r.err().contains("skipped 7 stream records before --from"), r::toString);
        assertAt(table, before, t, "before");
        assertAt(table, after, t.plusSeconds(120), "written now");

        // A time without an offset is UTC, and a date is its midnight UTC: the same start.
        String naive = from.atOffset(java.time.ZoneOffset.UTC).toLocalDateTime().toString();
        var same = stream(table, MessagingTest.stateFile(), "--from", naive);
        assertEquals(1, summary(same)[1], same::toString);

        var all = stream(table, MessagingTest.stateFile(), "--from", "trim-horizon");
        assertEquals(0, all.exit(), all::toString);
        assertEquals(4, summary(all)[1], "every message, the oldest first: " + all);
        assertAt(table, before, t.plusSeconds(60), "written two hours ago");
    }

    /** --from applies to a stream without a saved position only: a saved one goes on from where it stopped. */
    @Test
    void aSavedPositionWinsOverFrom() throws Exception {
        String table = table("from-saved");
        Instant t = Instant.parse("2026-08-09T08:00:00Z");
        String g = group(table, "andrewbrown", "londo", "first", t);
        Path state = MessagingTest.stateFile();
        assertEquals(0, stream(table, state).exit());
        write(table, g, t.plusSeconds(60), "second");
        var r = stream(table, state, "--from", "latest");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, summary(r)[1], "from the saved position, not the latest: " + r);
        assertAt(table, g, t.plusSeconds(60), "second");
    }

    /** --from latest: what is in the stream already is left alone, what comes next is handled. */
    @Test
    void fromLatestHandlesOnlyWhatComesNext() throws Exception {
        String table = table("from-latest");
        Instant t = Instant.parse("2026-08-10T08:00:00Z");
        String g = group(table, "andrewbrown", "londo", "first", t);
        write(table, g, t.plusSeconds(60), "already there");
        Path state = MessagingTest.stateFile(), err = Files.createTempFile("latest", ".err"), out = Files.createTempFile("latest", ".out");
        Process p = new ProcessBuilder(Cli.REPO.resolve("bin/ddb/messaging-stream").toString(), "--table", table, "--from", "latest",
                "--state", state.toString(), "--endpoint-url", server.endpoint, "-v")
                .redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!Files.readString(err).contains("reading from LATEST") && System.currentTimeMillis() < deadline && p.isAlive()) Thread.sleep(50);
            assertTrue(Files.readString(err).contains("reading from LATEST"), Files.readString(err));
            write(table, g, t.plusSeconds(30), "next, though older than what was there");
            while (!Files.readString(err).contains("state file written") && System.currentTimeMillis() < deadline && p.isAlive()) Thread.sleep(50);
        } finally {
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        var r = new Cli.Result(p.exitValue(), Files.readString(out), Files.readString(err));
        assertEquals(130, r.exit(), r::toString);
        assertEquals(1, summary(r)[1], "only the message written after it started: " + r);
        assertAt(table, g, t.plusSeconds(30), "next, though older than what was there");
    }

    @Test
    void maxLagMakesOnceExit1WhenFurtherBehind() throws Exception {
        String table = table("max-lag");
        Instant t = Instant.parse("2026-08-11T08:00:00Z");
        String g = group(table, "andrewbrown", "londo", "first", t);
        write(table, g, t.plusSeconds(60), "an hour ago");
        age(table, 1);
        Path state = MessagingTest.stateFile();
        var behind = stream(table, state, "--max-lag", "600");
        assertEquals(1, behind.exit(), behind::toString);
        assertTrue(behind.err().contains("over --max-lag 600"), behind::toString);
        var lag = java.util.regex.Pattern.compile("largest (\\d+)\\.\\d s\\)").matcher(behind.out());
        assertTrue(lag.find() && Integer.parseInt(lag.group(1)) >= 3600, "an hour behind: " + behind);
        assertAt(table, g, t.plusSeconds(60), "an hour ago"); // the work is done all the same

        write(table, g, t.plusSeconds(120), "now");
        var current = stream(table, state, "--max-lag", "600");
        assertEquals(0, current.exit(), "a fresh record is within 600 s, even cut to the minute: " + current);
        assertAt(table, g, t.plusSeconds(120), "now");
    }

    /**
     * Over 24 hours behind: the records after the saved position are trimmed. The warning names --repair, the
     * conversation written in the gap stays behind, and --repair brings it to its newest message.
     */
    @Test
    void aSavedPositionInTrimmedRecordsWarnsAndRepairRebuildsWhatWasLost() throws Exception {
        String table = table("trimmed");
        Instant t = Instant.parse("2026-08-12T08:00:00Z");
        String lost = group(table, "andrewbrown", "londo", "first", t), kept = group(table, "andrewbrown", "bayko", "b", t.plusSeconds(1));
        Path state = MessagingTest.stateFile();
        assertEquals(0, stream(table, state).exit());
        write(table, lost, t.plusSeconds(60), "in the gap");
        write(table, kept, t.plusSeconds(61), "in the gap too");
        age(table, 25);
        write(table, kept, t.plusSeconds(62), "after the gap");

        var r = stream(table, state);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("was trimmed past the saved position; reading what is left (records are kept 24 hours): "
                + "conversations written in the gap may be stale; run messaging-stream --repair"), r::toString);
        assertEquals(1, summary(r)[1], "what is left: " + r);
        assertAt(table, lost, t, "first");
        assertAt(table, kept, t.plusSeconds(62), "after the gap");

        var dry = Cli.script("messaging-stream", "--repair", "--dry-run", "--table", table, "--endpoint-url", server.endpoint).run();
        assertEquals(0, dry.exit(), dry::toString);
        assertEquals(2, dry.out().lines().filter(l -> l.startsWith("would move GRP#") && l.contains(lost)).count(), dry::toString);
        assertAt(table, lost, t, "first");
        var repair = Cli.script("messaging-stream", "--repair", "--table", table, "--endpoint-url", server.endpoint).run();
        assertEquals(0, repair.exit(), repair::toString);
        assertTrue(repair.out().startsWith("4 group items in 2 conversations: 2 moved, 2 already current"), repair::toString);
        assertAt(table, lost, t.plusSeconds(60), "in the gap");
        assertAt(table, kept, t.plusSeconds(62), "after the gap");
        assertFalse(Files.readString(state).isBlank());
    }
}
