package cruddur.ddb;

import static cruddur.ddb.MessagingTest.at;
import static cruddur.ddb.MessagingTest.group;
import static cruddur.ddb.MessagingTest.message;
import static cruddur.ddb.MessagingTest.stream;
import static cruddur.ddb.MessagingTest.streamTable;
import static cruddur.ddb.MessagingTest.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * messaging-stream --repair: the group items rebuilt from the messages themselves, where the stream cannot help (here:
 * messages written while the stream was disabled, in our form and in the app's naive one). --dry-run lists and writes
 * nothing; in prod it asks first (SharingTest has its reads at a share of the capacity, beside the app).
 */
class MessagingRepairTest {
    final DynamoDbClient ddb = LocalDynamo.client();
    final MessagingTest checks = new MessagingTest();

    static Cli.Result repair(String table, String... more) {
        var args = new java.util.ArrayList<>(List.of("--repair", "--table", table, "--endpoint-url", LocalDynamo.endpoint()));
        args.addAll(List.of(more));
        return Cli.script("messaging-stream", args.toArray(String[]::new)).run();
    }

    @Test
    void repairRebuildsWhatWasWrittenWhileTheStreamWasDisabled() throws Exception {
        String table = streamTable("repair-disabled");
        Instant t = Instant.parse("2026-09-09T09:00:00Z");
        String behind = group(table, "--from", "andrewbrown", "--to", "londo", "--text", "first", "--at", at(t));
        String naive = group(table, "--from", "andrewbrown", "--to", "bayko", "--text", "hello", "--at", at(t.plusSeconds(1)));
        String untouched = group(table, "--from", "londo", "--to", "bayko", "--text", "quiet", "--at", at(t.plusSeconds(2)));
        Path state = MessagingTest.stateFile();
        assertEquals(0, stream(table, state).exit());

        ddb.updateTable(u -> u.tableName(table).streamSpecification(s -> s.streamEnabled(false)));
        ddb.putItem(p -> p.tableName(table).item(message(behind, at(t.plusSeconds(60)), "while disabled")));
        ddb.putItem(p -> p.tableName(table).item(message(behind, at(t.plusSeconds(30)), "older, while disabled")));
        ddb.putItem(p -> p.tableName(table).item(message(naive, "2026-09-09T09:02:00", "the app's naive time")));
        ddb.updateTable(u -> u.tableName(table).streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_IMAGE")));

        var r = stream(table, state);
        assertEquals(0, r.exit(), r::toString);
        assertEquals(0, summary(r)[1], "a new stream, without those messages: " + r);
        checks.assertGroupsAt(table, behind, at(t), "first");

        var before = Tables.snapshot(ddb, table);
        var dry = repair(table, "--dry-run");
        assertEquals(0, dry.exit(), dry::toString);
        assertEquals(before, Tables.snapshot(ddb, table), "--dry-run writes nothing");
        List<String> wouldMove = dry.out().lines().filter(l -> l.startsWith("would move GRP#")).toList();
        assertEquals(4, wouldMove.size(), dry::toString);
        assertEquals(2, wouldMove.stream().filter(l -> l.contains(behind) && l.endsWith(" -> " + at(t.plusSeconds(60)))).count(), dry::toString);
        assertEquals(2, wouldMove.stream().filter(l -> l.contains(naive) && l.endsWith(" -> 2026-09-09T09:02:00.000000+00:00")).count(), dry::toString);
        assertTrue(dry.out().contains("6 group items in 3 conversations: 4 would move, 2 already current, 0 without messages"), dry::toString);
        assertTrue(dry.err().lines().anyMatch(l -> l.matches("0 write capacity units consumed, [1-9][0-9.]* read capacity "
                + "units consumed by the table .*")), "a dry run says what its reads cost: " + dry);

        var fixed = repair(table);
        assertEquals(0, fixed.exit(), fixed::toString);
        assertTrue(fixed.out().startsWith("6 group items in 3 conversations: 4 moved, 2 already current, 0 without messages"), fixed::toString);
        assertTrue(fixed.err().contains("Repairing the conversations of table " + table), fixed::toString);
        checks.assertGroupsAt(table, behind, at(t.plusSeconds(60)), "while disabled");
        checks.assertGroupsAt(table, naive, "2026-09-09T09:02:00.000000+00:00", "the app's naive time");
        checks.assertGroupsAt(table, untouched, at(t.plusSeconds(2)), "quiet");
        assertEquals(before.size(), Tables.snapshot(ddb, table).size(), "no item lost or added");

        var again = repair(table);
        assertEquals(0, again.exit(), again::toString);
        assertTrue(again.out().startsWith("6 group items in 3 conversations: 0 moved, 6 already current"), again::toString);
    }

    @Test
    void repairInProdAsksFirstAndDryRunWritesNothing() throws Exception {
        String table = streamTable("repair-prod");
        String g = group(table, "--from", "andrewbrown", "--to", "londo", "--text", "first", "--at", at(Instant.parse("2026-09-10T09:00:00Z")));
        ddb.putItem(p -> p.tableName(table).item(message(g, at(Instant.parse("2026-09-10T10:00:00Z")), "newer")));
        var before = Tables.snapshot(ddb, table);
        var refused = Cli.script("messaging-stream", "prod", "--repair", "--table", table).prodAtLocal().run();
        assertEquals(1, refused.exit(), refused::toString);
        assertEquals("messaging-stream: Refusing to repair the conversations of " + table + " in prod without confirmation: "
                + "pass --yes (no terminal to ask on).", refused.err(), refused::toString);
        assertEquals("", refused.out());
        var dry = Cli.script("messaging-stream", "prod", "--repair", "--dry-run", "--table", table).prodAtLocal().run();
        assertEquals(0, dry.exit(), dry::toString);
        assertEquals(2, dry.out().lines().filter(l -> l.startsWith("would move")).count(), dry::toString);
        assertEquals(before, Tables.snapshot(ddb, table), "nothing written");
        var yes = Cli.script("messaging-stream", "prod", "--repair", "--yes", "--table", table).prodAtLocal().run();
        assertEquals(0, yes.exit(), yes::toString);
        assertFalse(before.equals(Tables.snapshot(ddb, table)), "confirmed, it writes");
        checks.assertGroupsAt(table, g, at(Instant.parse("2026-09-10T10:00:00Z")), "newer");
    }

    @Test
    void pacingOptionsGoWithRepair() {
        var r = Cli.local("messaging-stream", "--once", "--max-rcu", "5", "--table", "anything").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().startsWith("messaging-stream: --max-rcu and --share go with --repair"), r::toString);
        var zero = Cli.local("messaging-stream", "--repair", "--share", "0", "--table", "anything").run();
        assertEquals(2, zero.exit(), zero::toString);
        assertTrue(zero.err().startsWith("messaging-stream: --share must be a percentage from 1 to 100"), zero::toString);
    }
}
