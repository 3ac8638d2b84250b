package cruddur.ddb;

import static cruddur.ddb.MessagingTest.at;
import static cruddur.ddb.MessagingTest.s;
import static cruddur.ddb.MessagingTest.stream;
import static cruddur.ddb.MessagingTest.streamTable;
import static cruddur.ddb.MessagingTest.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The consumer at the app's scale, end to end: bursts over several pages, coalesced and checkpointed once per page,
 * kill -9 in the middle of a drain, two consumers at once, and the times the app writes (naive, without an offset).
 */
class MessagingScaleTest {
    final DynamoDbClient ddb = LocalDynamo.client();
    final MessagingTest checks = new MessagingTest();

    /**
     * 2,400 messages in 12 conversations, shuffled: three pages and more. Every group ends at its newest message, and
     * the state file is written once per page (counted from outside: the renames into the state file's folder).
     */
    @Test
    void aShuffledBurstOverSeveralPagesEndsAtTheNewestAndSavesOncePerPage() throws Exception {
        String table = streamTable("messaging-pages");
        Instant start = Instant.parse("2026-04-04T04:00:00Z");
        List<String> groups = MessagingTest.conversations(ddb, table, 12, 200, start, 21);
        Path state = MessagingTest.stateFile();
        Files.createDirectories(state.getParent());
        AtomicInteger renames = new AtomicInteger();
        Cli.Result r;
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            state.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            r = stream(table, state);
            for (var key = watch.poll(2, TimeUnit.SECONDS); key != null; key = watch.poll(1, TimeUnit.SECONDS)) {
                for (var event : key.pollEvents()) {
                    if (state.getFileName().equals(event.context())) renames.addAndGet(event.count());
                }
                key.reset();
            }
        }
        assertEquals(0, r.exit(), r::toString);
        int[] counts = summary(r);
        assertEquals(12 * 201, counts[1], "every message: " + r);
        assertEquals(24, counts[2], "each group item moved once, the pages read ahead together: " + r);
        checks.assertNewest(table, groups, 200, start);

        long writes = r.err().lines().filter(l -> l.startsWith("state file written")).count();
        int pages = (counts[0] + 999) / 1000;
        assertEquals(writes, renames.get(), "each write is one rename into the state file: " + r);
        assertTrue(writes >= pages && writes <= pages + 2, writes + " writes for " + counts[0] + " records: " + r);
        long recordsInWrites = r.err().lines().filter(l -> l.startsWith("state file written"))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".* after a page of (\\d+) records", "$1"))).sum();
        assertEquals(counts[0], recordsInWrites, "one write per page read, none per record: " + r);

        // One page at a time: the same end state, each page saved after its moves.
        var table2 = streamTable("messaging-pages1");
        List<String> groups2 = MessagingTest.conversations(ddb, table2, 12, 200, start, 21);
        var one = Cli.script("messaging-stream", "--table", table2, "--once", "--state", MessagingTest.stateFile().toString(),
                "--endpoint-url", LocalDynamo.endpoint(), "--read-ahead", "1", "-v").run();
        assertEquals(0, one.exit(), one::toString);
        assertTrue(summary(one)[2] > 24, "a conversation on several pages moves once per page: " + one);
        checks.assertNewest(table2, groups2, 200, start);
    }

    /** kill -9 while moves are under way: the state file is whole, and a restart reads the page again and completes it. */
    @Test
    void killMinus9MidDrainThenARestartEndsCorrect() throws Exception {
        String table = streamTable("messaging-kill9");
        Instant start = Instant.parse("2026-05-05T05:00:00Z");
        List<String> groups = MessagingTest.conversations(ddb, table, 40, 30, start, 22);
        Path state = MessagingTest.stateFile(), err = Files.createTempFile("stream-kill", ".err");
        try (var proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(new FaultProxy.Rule("TransactWriteItems", FaultProxy.Fault.DELAY, 1)))) {
            Process p = new ProcessBuilder(Cli.REPO.resolve("bin/ddb/messaging-stream").toString(), "--table", table, "--once",
                    "--state", state.toString(), "--endpoint-url", proxy.endpoint(), "--read-ahead", "1", "--parallel", "4", "-v")
                    .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.currentTimeMillis() + 180_000;
            // After the first page is saved, in the middle of the second page's moves.
            while (!(Files.readString(err).contains("state file written (1)") && Files.readString(err).split("moved GRP#", -1).length > 84)
                    && System.currentTimeMillis() < deadline && p.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "still draining: " + Files.readString(err));
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed: " + Files.readString(err));
        }
        var saved = new ObjectMapper().readTree(state.toFile()); // whole JSON, never half a file
        assertEquals(1, saved.size(), saved::toString);

        var rest = stream(table, state);
        assertEquals(0, rest.exit(), rest::toString);
        assertTrue(summary(rest)[1] > 0 && summary(rest)[1] < 40 * 31, "goes on from the saved page: " + rest);
        checks.assertNewest(table, groups, 30, start);
    }

    /** Two consumers with their own state files, at once: both exit 0, and every conversation ends right, once. */
    @Test
    void twoConsumersAtOnceEndCorrect() throws Exception {
        String table = streamTable("messaging-two");
        Instant start = Instant.parse("2026-06-06T06:00:00Z");
        List<String> groups = MessagingTest.conversations(ddb, table, 40, 30, start, 23);
        Path first = MessagingTest.stateFile(), second = MessagingTest.stateFile();
        var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> stream(table, first));
        var b = java.util.concurrent.CompletableFuture.supplyAsync(() -> stream(table, second));
        for (var r : List.of(a.get(), b.get())) {
            assertEquals(0, r.exit(), r::toString);
            assertEquals(40 * 31, summary(r)[1], "each reads every message: " + r);
        }
        assertEquals(80, summary(a.get())[2] + summary(b.get())[2], "each group item moved by one of them: " + a.get() + b.get());
        checks.assertNewest(table, groups, 30, start);
    }

    /**
     * The app's create_message writes a naive local time (datetime.now().isoformat(): no offset, no fraction at a whole
     * second), its create_message_group three items in one BatchWriteItem. A naive time is read as UTC; "newest" is
     * right across both forms, a group item moves to the fixed-width UTC form, and never back.
     */
    @Test
    void theAppsNaiveTimesAreReadAsUtcAndNewestIsRightAcrossForms() throws Exception {
        String table = streamTable("messaging-naive");
        String group = UUID.randomUUID().toString(), me = UUID.randomUUID().toString(), other = UUID.randomUUID().toString();
        String created = "2026-11-27T16:57:16.123456";
        List<WriteRequest> app = new ArrayList<>();
        for (String[] owner : List.of(new String[] {me, other}, new String[] {other, me})) {
            app.add(put(Map.of("pk", s("GRP#" + owner[0]), "sk", s(created), "message_group_uuid", s(group), "message", s("hi"),
                    "user_uuid", s(owner[1]), "user_display_name", s("Someone"), "user_handle", s("someone"))));
        }
        app.add(put(MessagingTest.message(group, created, "hi")));
        ddb.batchWriteItem(w -> w.requestItems(Map.of(table, app)));
        Path state = MessagingTest.stateFile();
        assertEquals(0, inAuckland(table, state).exit());

        // Newest by time across the forms: a whole second (no fraction), our form, and +01:00 (16:57:16.5 UTC).
        for (String[] m : List.of(new String[] {"2026-11-27T16:57:17", "naive whole second"},
                new String[] {"2026-11-27T16:57:16.999999+00:00", "ours, earlier"},
                new String[] {"2026-11-27T17:57:16.500000+01:00", "an offset, earlier"})) {
            ddb.putItem(p -> p.tableName(table).item(MessagingTest.message(group, m[0], m[1])));
        }
        var r = inAuckland(table, state);
        assertEquals(0, r.exit(), r::toString);
        checks.assertGroupsAt(table, group, "2026-11-27T16:57:17.000000+00:00", "naive whole second");

        // Late and older in the naive form: nothing moves back. Newer by a microsecond in the naive form: it moves.
        ddb.putItem(p -> p.tableName(table).item(MessagingTest.message(group, "2026-11-27T16:57:16.500000", "late")));
        var late = inAuckland(table, state);
        assertEquals(0, summary(late)[2], late::toString);
        checks.assertGroupsAt(table, group, "2026-11-27T16:57:17.000000+00:00", "naive whole second");
        ddb.putItem(p -> p.tableName(table).item(MessagingTest.message(group, "2026-11-27T16:57:17.000001", "newest")));
        var newer = inAuckland(table, state);
        assertEquals(2, summary(newer)[2], newer::toString);
        checks.assertGroupsAt(table, group, "2026-11-27T16:57:17.000001+00:00", "newest");
    }

    /** The consumer on a machine whose zone is far from UTC: a naive time is still UTC, not the machine's time. */
    private static Cli.Result inAuckland(String table, Path state) {
        return Cli.script("messaging-stream", "--table", table, "--once", "--state", state.toString(), "--endpoint-url",
                LocalDynamo.endpoint(), "--verbose").env("TZ", "Pacific/Auckland").run();
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(p -> p.item(new HashMap<>(item))).build();
    }
}
