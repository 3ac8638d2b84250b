import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * lib/Capacity.java on its own: item sizing against DynamoDB's documented rules, a table's ceilings, and the pacer
 * against a simulated clock (600 s in milliseconds), for writes charged before and reads charged after.
 */
class CapacityTest {
    static final long SECOND = 1_000_000_000L;

    /**
     * Time that passes only when someone sleeps. A sleep ends at the time its thread last saw plus the sleep, so
     * threads that sleep at once overlap as in real time (TableScanTest's segments).
     */
    static final class SimClock implements Capacity.Clock {
        private long now = 7 * SECOND; // not zero: nothing may assume a clock starts at 0
        private final ThreadLocal<Long> seen = new ThreadLocal<>();

        @Override public synchronized long nanos() {
            seen.set(now);
            return now;
        }

        @Override public synchronized void sleep(long nanos) {
            Long from = seen.get();
            now = Math.max(now, (from == null ? now : from) + Math.max(0, nanos));
            seen.set(now);
        }
    }

    /** A provisioned table as DynamoDB behaves: `capacity` units a second, one second of burst, refusing the rest. */
    static final class Table {
        double capacity;
        double tokens;
        long refilled;
        final SimClock clock;

        Table(double capacity, SimClock clock) {
            this.capacity = capacity;
            this.tokens = capacity;
            this.clock = clock;
            this.refilled = clock.nanos();
        }

        /** Takes the writes that fit, in order (a BatchWriteItem's UnprocessedItems are the rest): how many landed. */
        int write(int items) {
            tokens = Math.min(capacity, tokens + (clock.nanos() - refilled) / 1e9 * capacity);
            refilled = clock.nanos();
            int landed = (int) Math.min(items, Math.floor(tokens));
            tokens -= landed;
            return landed;
        }
    }

    record Run(double accepted, double refused, long calls, long refusedCalls, double maxRate) {}

    /** A batch writer's loop against `table` for `seconds`: batches of about half a second of writes, one unit each. */
    static Run writeFor(Capacity.Pacer pacer, Table table, SimClock clock, long seconds) {
        long end = clock.nanos() + seconds * SECOND;
        double accepted = 0, refusedUnits = 0, maxRate = 0;
        long calls = 0, refused = 0;
        while (clock.nanos() < end) {
            int batch = (int) Math.max(1, Math.min(25, pacer.rate() / 2));
            clock.sleep(pacer.chargeWrite(batch));
            int landed = table.write(batch);
            calls++;
            accepted += landed;
            pacer.accepted(landed);
            if (landed < batch) {
                refused++;
                refusedUnits += batch - landed;
                pacer.refused((double) (batch - landed) / batch);
                clock.sleep(SECOND / 10); // the writer's resend backoff, at its shortest
            }
            maxRate = Math.max(maxRate, pacer.rate());
        }
        return new Run(accepted, refusedUnits, calls, refused, maxRate);
    }

    // ---- the pacer ----

    @Test
    void steadyWritesKeepTo95PercentOfTheCeilingFor600Seconds() {
        var clock = new SimClock();
        var pacer = new Capacity.Pacer(20, clock);
        var table = new Table(20, clock);
        Run run = writeFor(pacer, table, clock, 600);
        double perSecond = run.accepted() / 600;
        assertTrue(perSecond >= 0.95 * 20 * 0.99 && perSecond <= 0.95 * 20 * 1.01, "19 units/s: " + run);
        assertEquals(0, run.refusedCalls(), "a table at its announced capacity refuses nothing: " + run);
        assertEquals(19.0, run.maxRate(), 1e-9, "never above the ceiling less the slack");
    }

    @Test
    void aTableThatTakesLessThrottlesThePaceDownToWhatItTakes() {
        // The table announces 20 but takes 10 (a hot partition, a share the app takes): the refusals bring the pace
        // down from 19 to hover a little above what the table takes (additive increase keeps probing for more), so a
        // call then sees a few writes refused (measured: 23% of the writes, resent). Learning such a limit instead of
        // probing it is issue 20's.
        var clock = new SimClock();
        var pacer = new Capacity.Pacer(20, clock);
        var table = new Table(10, clock);
        Run run = writeFor(pacer, table, clock, 600);
        double perSecond = run.accepted() / 600, sentPerSecond = (run.accepted() + run.refused()) / 600;
        assertTrue(perSecond >= 0.85 * 10, "at least 85% of what the table takes: " + run);
        assertTrue(sentPerSecond <= 1.35 * 10, "sent at well under the announced 19 a second: " + run);
        assertTrue(pacer.rate() < 13, "the pace came down near 10: " + pacer.rate());
    }

    @Test
    void thePaceRecoversWhenTheTableTakesMoreAgain() {
        var clock = new SimClock();
        var pacer = new Capacity.Pacer(20, clock);
        var table = new Table(5, clock);
        writeFor(pacer, table, clock, 300);
        assertTrue(pacer.rate() < 10, "down near 5: " + pacer.rate());
        table.capacity = 20;
        writeFor(pacer, table, clock, 60);
        assertEquals(19.0, pacer.rate(), 0.5, "back at the ceiling within a minute: +5% of it per second's worth");
        Run after = writeFor(pacer, table, clock, 240);
        assertTrue(after.accepted() / 240 >= 0.95 * 19, "the full pace again: " + after);
        assertEquals(0, after.refusedCalls(), after::toString);
    }

    @Test
    void aRefusalCutsByHalfTheShareRefusedAtMostOnceASecond() {
        var clock = new SimClock();
        var pacer = new Capacity.Pacer(100, clock);
        assertEquals(95, pacer.rate(), 1e-9);
        pacer.refused(1.0);
        assertEquals(47.5, pacer.rate(), 1e-9, "a call refused outright halves it");
        clock.sleep(SECOND / 2);
        pacer.refused(1.0);
        assertEquals(47.5, pacer.rate(), 1e-9, "the calls in flight report the same congestion: no second cut");
        clock.sleep(SECOND);
        pacer.refused(0.5);
        assertEquals(47.5 * 0.75, pacer.rate(), 1e-9, "half refused: a quarter off");
        for (int i = 0; i < 20; i++) {
            clock.sleep(2 * SECOND);
            pacer.refused(1.0);
        }
        assertEquals(1, pacer.rate(), 1e-9, "never below one unit a second");
    }

    @Test
    void readsAreAdmittedWhileNotInDebtAndChargedAfterTheFact() {
        var clock = new SimClock();
        var pacer = new Capacity.Pacer(10, clock); // 9.5 RCU a second
        assertEquals(0, pacer.untilCredit(), "a full bucket admits at once");
        pacer.charge(25); // a page that cost more than the bucket holds: DynamoDB lets a read overdraw
        assertEquals(9.5 - 25, pacer.tokens(), 1e-9, "in debt");
        long wait = pacer.untilCredit();
        assertEquals((25 - 9.5) / 9.5, wait / 1e9, 1e-6, "the debt at the rate");

        // 600 s of pages of 25 units each: what is read keeps to the rate, give or take the one page in flight.
        double consumed = 25;
        long end = clock.nanos() + 600 * SECOND;
        int pages = 1;
        while (true) {
            clock.sleep(pacer.untilCredit());
            if (clock.nanos() >= end) break;
            pacer.charge(25);
            consumed += 25;
            pages++;
        }
        double expected = 9.5 * 600 + 9.5; // the rate, plus the one second in store at the start
        assertTrue(consumed >= expected - 25 && consumed <= expected + 25, consumed + " units in " + pages + " pages");
    }

    @Test
    void awaitCreditSleepsOnThePacersClock() throws InterruptedException {
        var clock = new SimClock();
        var pacer = new Capacity.Pacer(2, clock); // 1.9 a second
        long start = clock.nanos();
        pacer.charge(1.9 + 3.8);
        pacer.awaitCredit();
        assertEquals(2.0, (clock.nanos() - start) / 1e9, 1e-6, "two seconds of debt paid");
        assertEquals(0, pacer.untilCredit());
    }

    @Test
    void anUnlimitedCeilingPacesNothingAndAnUnknownOneNothingUntilRefused() {
        for (double ceiling : List.of(Capacity.Ceilings.UNLIMITED, Capacity.Ceilings.UNKNOWN)) {
            var clock = new SimClock();
            var pacer = new Capacity.Pacer(ceiling, clock);
            assertTrue(!pacer.paced(), "unpaced: " + ceiling);
            assertEquals(0, pacer.chargeWrite(1_000_000));
            pacer.charge(1_000_000);
            assertEquals(0, pacer.untilCredit());
            pacer.accepted(30);
            clock.sleep(SECOND);
            pacer.refused(1);
            if (ceiling == Capacity.Ceilings.UNLIMITED) {
                assertTrue(Double.isInfinite(pacer.rate()) && !pacer.paced());
            } else {
                assertTrue(pacer.paced(), "a refusal starts the learning");
                assertEquals(0.9 * 30, pacer.rate(), 1e-9, "30 units accepted in the first second: 90% of that");
            }
        }
    }

    @Test
    void aLimitNobodyAnnouncesIsLearnedFromWhatTheTableAccepts() {
        // A hot partition or an unannounced limit of 20 a second. Before the pacer learned (UNKNOWN paced as
        // UNLIMITED), the writer sent full batches and nearly every call was refused in part.
        var clock = new SimClock();
        var learner = new Capacity.Pacer(Capacity.Ceilings.UNKNOWN, clock);
        Run learned = writeFor(learner, new Table(20, clock), clock, 300);
        var naiveClock = new SimClock();
        Run naive = writeFor(Capacity.Pacer.unpaced(), new Table(20, naiveClock), naiveClock, 300);
        assertTrue(learned.accepted() / 300 >= 0.9 * 20, "at least 90% of what the table takes: " + learned);
        assertTrue(learned.refused() <= 0.05 * learned.accepted(), "at most 5% of the writes refused: " + learned);
        assertTrue(learned.refusedCalls() * 4 <= learned.calls(), "at most a quarter of the calls: " + learned);
        assertTrue(naive.refusedCalls() * 2 > naive.calls(), "unpaced, most calls are refused: " + naive);
        assertTrue(learner.rate() >= 17 && learner.rate() <= 23, "the pace found 20: " + learner.rate());

        // The table takes more later (its partitions split): the probe finds it, slowly.
        var table = new Table(20, clock);
        writeFor(learner, table, clock, 30);
        table.capacity = 40;
        Run more = writeFor(learner, table, clock, 300);
        assertTrue(learner.rate() > 30, "the probe climbed towards 40: " + learner.rate() + ", " + more);
    }

    @Test
    void aLearnedLimitStartsFromAnEmptyBucket() {
        // The table just refused: its own bucket is empty, so the first paced call waits for what it asks.
        var clock = new SimClock();
        var pacer = new Capacity.Pacer(Capacity.Ceilings.UNKNOWN, clock);
        pacer.accepted(20);
        pacer.refused(0.2);
        assertEquals(18, pacer.rate(), 1e-9);
        assertTrue(pacer.chargeWrite(9) >= SECOND / 2 - 1_000, "9 units at 18 a second: half a second from empty");
    }

    @Test
    void aLearnedLimitStartsFastAndInProdIsSharedAndNeverProbedAfter() {
        // A share of 50%: half of what the table accepted when it first refused, and no probing for more, since
        // finding more would take it from the app.
        var clock = new SimClock();
        var pacer = new Capacity.Pacer(Capacity.Ceilings.UNKNOWN, 0.5, clock);
        var table = new Table(20, clock);
        Run start = writeFor(pacer, table, clock, 30);
        assertEquals(10, pacer.rate(), 1.5, "half of the 20 the table took: " + start);
        assertTrue(start.refusedCalls() <= 3, "the refusals that found the limit: " + start);
        Run after = writeFor(pacer, table, clock, 300);
        assertTrue(after.maxRate() <= 11.5, "never probed up towards the table's 20: " + after);
        assertEquals(0, after.refusedCalls(), "and so never refused: " + after);
        double cap = pacer.rate();

        // The app takes most of the table for a while: the pace gives way, then comes back to its share, not lower.
        table.capacity = 4;
        Run busy = writeFor(pacer, table, clock, 20);
        assertTrue(pacer.rate() < 0.7 * cap, "gave way to the app: " + pacer.rate() + ", " + busy);
        table.capacity = 20;
        Run back = writeFor(pacer, table, clock, 60);
        assertEquals(cap, pacer.rate(), 0.5, "back to half of what the table took: " + back);
        assertTrue(back.maxRate() <= cap + 1e-9, "and no higher: " + back);

        // Learned from a call just after the table's store was emptied (2 units): the start grows to the limit fast.
        var low = new Capacity.Pacer(Capacity.Ceilings.UNKNOWN, clock);
        low.accepted(2);
        low.refused(0.9);
        assertTrue(low.rate() < 2, "the first guess: " + low.rate());
        Run found = writeFor(low, new Table(20, clock), clock, 20);
        assertTrue(found.accepted() / 20 >= 0.75 * 20, "most of the 20 a second within 20 s: " + found);
    }

    // ---- item sizing: DynamoDB's documented rules ----

    static AttributeValue s(String v) { return AttributeValue.fromS(v); }

    static AttributeValue n(String v) { return AttributeValue.fromN(v); }

    @Test
    void stringsAreTheirUtf8BytesAndNamesCountToo() {
        assertEquals(4 + 3, Capacity.itemBytes(Map.of("name", s("abc"))));
        assertEquals(2 + 3 + 4 + 1, Capacity.itemBytes(Map.of("é", s("✓😀a"))), "é 2, ✓ 3, 😀 4 bytes");
        assertEquals(1, Capacity.itemBytes(Map.of("x", s(""))));
    }

    @Test
    void numbersAreOneBytePerTwoSignificantDigitsPlusOne() {
        assertEquals(2 + 1, Capacity.valueBytes(n("123")), "3 digits: 2 + 1");
        assertEquals(1 + 1, Capacity.valueBytes(n("1000")), "trailing zeros trimmed: 1 digit");
        assertEquals(1 + 1, Capacity.valueBytes(n("-0.0012")), "leading zeros, sign and point not counted");
        assertEquals(19 + 1, Capacity.valueBytes(n("12345678901234567890123456789012345678")), "38 digits");
        assertEquals(1 + 1, Capacity.valueBytes(n("1E+125")), "the exponent is not a digit");
        assertEquals(2 + 1, Capacity.valueBytes(n("1.25e-3")));
        assertEquals(1 + 1, Capacity.valueBytes(n("0")));
    }

    @Test
    void binaryIsItsRawBytesNotItsBase64() {
        assertEquals(1 + 4, Capacity.itemBytes(Map.of("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[4])))));
    }

    @Test
    void booleansAndNullAreOneByte() {
        assertEquals(4 + 1, Capacity.itemBytes(Map.of("flag", AttributeValue.fromBool(false))));
        assertEquals(4 + 1, Capacity.itemBytes(Map.of("none", AttributeValue.fromNul(true))));
    }

    @Test
    void setsAreTheSumOfTheirMembers() {
        assertEquals(1 + 2 + 3, Capacity.valueBytes(AttributeValue.fromSs(List.of("a", "bb", "ccc"))));
        assertEquals(2 + 3, Capacity.valueBytes(AttributeValue.fromNs(List.of("1", "123"))));
        assertEquals(1 + 2, Capacity.valueBytes(AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[1]),
                SdkBytes.fromByteArray(new byte[2])))));
    }

    @Test
    void mapsAndListsAreThreeBytesPlusOnePerElement() {
        assertEquals(3, Capacity.valueBytes(AttributeValue.fromM(Map.of())), "empty: 3");
        assertEquals(3, Capacity.valueBytes(AttributeValue.fromL(List.of())), "empty: 3");
        assertEquals(3 + (1 + 1) + (1 + 3), Capacity.valueBytes(AttributeValue.fromL(List.of(s("a"), n("123")))));
        assertEquals(3 + (1 + 1 + 2), Capacity.valueBytes(AttributeValue.fromM(Map.of("k", s("vv")))), "a map's names count");
        var nested = AttributeValue.fromM(Map.of("l", AttributeValue.fromL(List.of(AttributeValue.fromNul(true)))));
        assertEquals(3 + (1 + 1 + (3 + (1 + 1))), Capacity.valueBytes(nested));
    }

    @Test
    void writeUnitsPerStartedKilobyteAndReadUnitsPerStarted4Kilobytes() {
        assertEquals(1, Capacity.writeUnits(Map.of("k", s(""))), "at least one");
        assertEquals(1, Capacity.writeUnits(Map.of("k", s("x".repeat(1023)))), "1,024 bytes: 1");
        assertEquals(2, Capacity.writeUnits(Map.of("k", s("x".repeat(1024)))), "1,025 bytes: 2");
        // The documentation's example: reading a 3,500-byte item costs what a 4 KB item does.
        assertEquals(1.0, Capacity.readUnits(3500, true));
        assertEquals(0.5, Capacity.readUnits(3500, false), "eventually consistent: half");
        assertEquals(1.0, Capacity.readUnits(4096, true));
        assertEquals(2.0, Capacity.readUnits(4097, true));
        List<Map<String, AttributeValue>> page = List.of(Map.of("k", s("x".repeat(2999))), Map.of("k", s("x".repeat(2999))));
        assertEquals(2.0, Capacity.readUnits(page, true), "a page is sized as a whole: 6,000 bytes, 2 units...");
        assertEquals(1.0, Capacity.readUnits(page, false), "... or 1 eventually consistent (not 2 x 0.5 rounded up)");
    }

    @Test
    void fourHundredKilobytesIsTheLimitInclusive() {
        var fits = Map.of("k", s("x".repeat(400 * 1024 - 1)));
        var over = Map.of("k", s("x".repeat(400 * 1024)));
        assertEquals(Capacity.MAX_ITEM_BYTES, Capacity.itemBytes(fits));
        assertEquals(Capacity.MAX_ITEM_BYTES + 1, Capacity.itemBytes(over));
    }

    // ---- a table's ceilings ----

    static TableDescription.Builder provisioned(long rcu, long wcu) {
        return TableDescription.builder().tableName("t").tableArn("arn:aws:dynamodb:us-east-1:123456789012:table/t")
                .provisionedThroughput(ProvisionedThroughputDescription.builder().readCapacityUnits(rcu)
                        .writeCapacityUnits(wcu).build());
    }

    static GlobalSecondaryIndexDescription index(String name, long rcu, long wcu) {
        return GlobalSecondaryIndexDescription.builder().indexName(name).provisionedThroughput(
                ProvisionedThroughputDescription.builder().readCapacityUnits(rcu).writeCapacityUnits(wcu).build()).build();
    }

    @Test
    void ceilingsAreTheProvisionedUnitsTheLowestOfTableAndIndexWritten() {
        var table = provisioned(10, 20).globalSecondaryIndexes(index("gsi", 3, 5)).build();
        assertEquals(new Capacity.Ceilings(10, 5), Capacity.Ceilings.of(table, null), "a write writes the index too");
        assertEquals(new Capacity.Ceilings(3, 5), Capacity.Ceilings.of(table, "gsi"), "a read of the index reads only it");
        assertEquals(3.0, Capacity.capped(5, 3));
        assertEquals(5.0, Capacity.capped(5, null));
    }

    @Test
    void dynamoDbLocalHasNothingToPaceToAndOnDemandTablesTheirMaximumOrALimitToLearn() {
        var local = provisioned(5, 5).tableArn("arn:aws:dynamodb:ddblocal:000000000000:table/t").build();
        var onDemand = provisioned(0, 0).billingModeSummary(b -> b.billingMode(BillingMode.PAY_PER_REQUEST)).build();
        var unlimited = new Capacity.Ceilings(Capacity.Ceilings.UNLIMITED, Capacity.Ceilings.UNLIMITED);
        assertEquals(unlimited, Capacity.Ceilings.of(local, null));
        var unknown = new Capacity.Ceilings(Capacity.Ceilings.UNKNOWN, Capacity.Ceilings.UNKNOWN);
        assertEquals(unknown, Capacity.Ceilings.of(onDemand, null), "nothing announced: to learn");
        var maximum = onDemand.toBuilder().onDemandThroughput(o -> o.maxReadRequestUnits(300L).maxWriteRequestUnits(-1L))
                .globalSecondaryIndexes(GlobalSecondaryIndexDescription.builder().indexName("gsi")
                        .onDemandThroughput(o -> o.maxReadRequestUnits(40L).maxWriteRequestUnits(50L)).build()).build();
        assertEquals(new Capacity.Ceilings(300, 50), Capacity.Ceilings.of(maximum, null), "the index's maximum too");
        assertEquals(new Capacity.Ceilings(40, 50), Capacity.Ceilings.of(maximum, "gsi"));
        assertEquals(3.0, Capacity.capped(Capacity.Ceilings.UNLIMITED, 3), "--max-wcu paces even then");
    }

    @Test
    void prodTakesHalfTheCapacityByDefaultAndAnyTargetWhatItIsToldTo() {
        assertEquals(10, Capacity.Pace.of(20, null, null, true).limit(), "the word prod: 50%");
        assertEquals(20, Capacity.Pace.of(20, null, null, false).limit(), "--endpoint-url: the whole table");
        assertEquals(5, Capacity.Pace.of(20, null, 25, false).limit(), "--share 25");
        assertEquals(3, Capacity.Pace.of(20, 3, null, true).limit(), "--max-wcu 3 overrides the share");
        assertEquals(20, Capacity.Pace.of(20, 30, null, true).limit(), "never above the table");
        assertTrue(Double.isNaN(Capacity.Pace.of(Capacity.Ceilings.UNKNOWN, null, null, true).limit()), "learned");
        assertEquals("no capacity announced (on demand): paced to what the table accepts (a 50% share of it)",
                Capacity.Pace.of(Capacity.Ceilings.UNKNOWN, null, null, true).estimate(300, "WCU"), "learned in prod");
        assertEquals("at 10 of the table's 20 RCU (a 50% share) about 16 s",
                Capacity.Pace.of(20, null, null, true).estimate(150, "RCU"), "150 units at 9.5 a second");
        assertEquals("at 20 WCU about 2 min 38 s", Capacity.Pace.of(20, null, null, false).estimate(3000, "WCU"));
        assertEquals("at 0.5 of the table's 1 RCU (a 50% share) about 11 s",
                Capacity.Pace.of(1, null, null, true).estimate(5, "RCU"), "a tiny table: slow, and said so");
    }

    @Test
    void estimatesAreAtThePaceKept() {
        assertEquals("at 20 WCU about 2 min 38 s", Capacity.estimate(3000, 20, "WCU"), "3,000 / 19 a second");
        assertEquals("at 5 WCU about 5 h 50 min", Capacity.estimate(100_000, 5, "WCU"));
        assertEquals("at 100 WCU about 6 s", Capacity.estimate(500, 100, "WCU"));
        assertEquals("at 20 WCU", Capacity.estimate(-1, 20, "WCU"), "units not known beforehand (stdin)");
        assertEquals("no capacity limit to pace to (on-demand table or DynamoDB Local)",
                Capacity.estimate(3000, Capacity.Ceilings.UNLIMITED, "WCU"));
        assertEquals("no capacity announced (on demand): paced to what the table accepts",
                Capacity.estimate(3000, Capacity.Ceilings.UNKNOWN, "WCU"));
    }

    @Test
    void anItemsSizeIsTheSumOfItsAttributes() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s("MSG#1"));
        item.put("n", n("12"));
        item.put("ok", AttributeValue.fromBool(true));
        assertEquals((2 + 5) + (1 + 2) + (2 + 1), Capacity.itemBytes(item));
    }
}
