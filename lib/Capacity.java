// The capacity family file: what an item costs (DynamoDB's sizing rules, the 400 KB limit), what a table takes
// (its ceilings from DescribeTable), and the pacer that keeps reads and writes to it. Pulled in with //SOURCES next
// to lib/Ddb.java (whose SDK it uses) by the scripts that write or read in bulk or check an item's size.

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

final class Capacity {
    private Capacity() {}

    // ---- Item sizing: one formula, DynamoDB's documented rules (developerguide/CapacityUnitCalculations.html) ----

    static final long MAX_ITEM_BYTES = 400 * 1024;
    static final int WRITE_UNIT_BYTES = 1024;
    static final int READ_UNIT_BYTES = 4096;

    /** An item's size: each attribute's name (UTF-8 bytes) and value. */
    static long itemBytes(Map<String, AttributeValue> item) {
        long bytes = 0;
        for (var e : item.entrySet()) bytes += utf8(e.getKey()) + valueBytes(e.getValue());
        return bytes;
    }

    /**
     * A value's size: strings in UTF-8 bytes, numbers 1 byte per two significant digits plus 1, binary its raw bytes,
     * sets the sum of their members, maps and lists 3 bytes plus 1 byte and the size of each element (a map's element
     * includes its name), BOOL and NULL 1 byte.
     */
    static long valueBytes(AttributeValue v) {
        return switch (v.type()) {
            case S -> utf8(v.s());
            case N -> numberBytes(v.n());
            case B -> v.b().asByteArrayUnsafe().length;
            case SS -> v.ss().stream().mapToLong(Capacity::utf8).sum();
            case NS -> v.ns().stream().mapToLong(Capacity::numberBytes).sum();
            case BS -> v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
            case M -> 3 + v.m().entrySet().stream()
                    .mapToLong(e -> 1 + utf8(e.getKey()) + valueBytes(e.getValue())).sum();
            case L -> 3 + v.l().stream().mapToLong(e -> 1 + valueBytes(e)).sum();
            case BOOL, NUL -> 1;
            default -> 0; // a type this SDK does not know: nothing to count
        };
    }

    /** 1 byte per two significant digits (leading and trailing zeros, sign, point and exponent not counted), plus 1. */
    static long numberBytes(String n) {
        int end = n.length();
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == 'e' || c == 'E') end = i;
        }
        int first = -1, last = -1;
        for (int i = 0; i < end; i++) {
            char c = n.charAt(i);
            if (c >= '1' && c <= '9') {
                if (first < 0) first = i;
                last = i;
            }
        }
        if (first < 0) return 2; // zero: one digit
        int digits = 0;
        for (int i = first; i <= last; i++) if (Character.isDigit(n.charAt(i))) digits++;
        return (digits + 1) / 2 + 1;
    }

    /** UTF-8 bytes of a string, without encoding it. */
    static long utf8(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3; // a surrogate pair: 4 in all
        }
        return n;
    }

    /** Write units of an item: 1 per started KB, at least 1. */
    static int writeUnits(Map<String, AttributeValue> item) {
        return (int) Math.max(1, (itemBytes(item) + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES);
    }

    /** Write units of a request: a put by its item; a delete is charged by the item it deletes, unknown here: 1. */
    static int writeUnits(WriteRequest w) {
        return w.putRequest() == null ? 1 : writeUnits(w.putRequest().item());
    }

    /**
     * Read units of `bytes` read at once (one item, or a Query or Scan page, which DynamoDB sizes as a whole): 1 per
     * started 4 KB, half for an eventually consistent read.
     */
    static double readUnits(long bytes, boolean consistent) {
        long units = Math.max(1, (bytes + READ_UNIT_BYTES - 1) / READ_UNIT_BYTES);
        return consistent ? units : units / 2.0;
    }

    /** Read units of the items of a page, as DynamoDB charges them when it does not say (no ConsumedCapacity). */
    static double readUnits(List<Map<String, AttributeValue>> items, boolean consistent) {
        long bytes = 0;
        for (var item : items) bytes += itemBytes(item);
        return readUnits(bytes, consistent);
    }

    // ---- What a table takes: its ceilings for reads and writes ------------------------------------------------------

    /**
     * The read and write units per second a table announces it takes, from DescribeTable: a provisioned table's RCU
     * and WCU, the lowest of the table and the index read (a read goes to one of them) or written (a write goes to the
     * table and every index). UNLIMITED where there is nothing to pace to: DynamoDB Local (its ARNs are in region
     * "ddblocal"; it enforces no capacity) and, for now, an on-demand table. Next: an on-demand table's
     * OnDemandThroughput maximum, and UNKNOWN (learn the limit from what the table accepts) where none is announced.
     */
    record Ceilings(double reads, double writes) {
        static final double UNLIMITED = Double.POSITIVE_INFINITY;
        /** Announced by nobody: to be learned from what the table accepts (not built yet: paced as UNLIMITED). */
        static final double UNKNOWN = Double.NaN;

        /** The table's ceilings; `index`, when given, is the index a reader reads instead of the table. */
        static Ceilings of(TableDescription t, String index) {
            boolean onDemand = t.billingModeSummary() != null
                    && t.billingModeSummary().billingMode() == BillingMode.PAY_PER_REQUEST;
            if (onDemand || String.valueOf(t.tableArn()).contains(":ddblocal:") || t.provisionedThroughput() == null) {
                return new Ceilings(UNLIMITED, UNLIMITED);
            }
            double reads = units(t.provisionedThroughput(), true), writes = units(t.provisionedThroughput(), false);
            for (var i : t.globalSecondaryIndexes()) {
                if (i.provisionedThroughput() == null) continue;
                writes = Math.min(writes, units(i.provisionedThroughput(), false));
                if (i.indexName().equals(index)) reads = units(i.provisionedThroughput(), true);
            }
            return new Ceilings(reads, writes);
        }

        private static double units(ProvisionedThroughputDescription p, boolean reads) {
            Long units = reads ? p.readCapacityUnits() : p.writeCapacityUnits();
            return units == null || units <= 0 ? UNLIMITED : units; // an index of an on-demand table reports 0
        }
    }

    /** A ceiling capped by a user's maximum (--max-wcu): the lower of the two; null leaves it as it is. */
    static double capped(double ceiling, Integer max) {
        return max == null ? ceiling : Double.isNaN(ceiling) ? max : Math.min(ceiling, max);
    }

    /** How long `units` take at the pace kept on a table of `ceiling` units per second (an estimate for plans). */
    static double seconds(double units, double ceiling) {
        return units / (ceiling * Pacer.SLACK);
    }

    /** "at 20 WCU about 2 min 38 s", or why there is nothing to pace to; `units` below 0: not known beforehand. */
    static String estimate(long units, double ceiling, String unit) {
        if (!Double.isFinite(ceiling)) return "no capacity limit to pace to (on-demand table or DynamoDB Local)";
        if (units < 0) return String.format("at %.0f %s", ceiling, unit);
        long s = (long) Math.ceil(seconds(units, ceiling));
        String time = s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s"
                : (s / 3600) + " h " + (s % 3600 / 60) + " min";
        return String.format("at %.0f %s about %s", ceiling, unit, time);
    }

    // ---- The pacer: a token bucket, and the policy that sets its rate ----------------------------------------------

    /** Time as the pacer sees it: the system's, or a simulated one in tests (600 s in milliseconds). */
    interface Clock {
        long nanos();

        void sleep(long nanos) throws InterruptedException;

        Clock SYSTEM = new Clock() {
            @Override public long nanos() { return System.nanoTime(); }

            @Override public void sleep(long nanos) throws InterruptedException { TimeUnit.NANOSECONDS.sleep(nanos); }
        };
    }

    /**
     * `rate` units a second, with one second of them (at least one unit) in store. It may go into debt: a write is
     * charged before it is sent from an estimate, a read after it is done from what it consumed (DynamoDB lets a read
     * overdraw and throttles whoever comes next). While in debt it admits nothing; the wait is the debt at the rate.
     */
    static final class TokenBucket {
        private final Clock clock;
        private double rate;
        private double tokens;
        private long refilled;

        TokenBucket(double rate, Clock clock) {
            this.clock = clock;
            this.rate = rate;
            this.tokens = capacity();
            this.refilled = clock.nanos();
        }

        private double capacity() { return Math.max(rate, 1); }

        private void refill() {
            long now = clock.nanos();
            tokens = Math.min(capacity(), tokens + (now - refilled) / 1e9 * rate);
            refilled = now;
        }

        synchronized void charge(double units) {
            refill();
            tokens -= units;
        }

        /** Nanoseconds until the bucket is out of debt (0: now). */
        synchronized long nanosUntilCredit() {
            refill();
            return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / rate * 1e9);
        }

        /** A new rate; what is in store is kept, up to one second of the new rate. */
        synchronized void rate(double rate) {
            refill();
            this.rate = rate;
            tokens = Math.min(tokens, rate);
        }

        synchronized double tokens() {
            refill();
            return tokens;
        }
    }

    /**
     * The one pacer, for reads and writes alike: a token bucket whose rate an AIMD policy sets from what the table
     * answers. It starts at 95% of the ceiling (SLACK: our bucket and the table's are not in step, and a little slack
     * keeps refusals rare). A refusal (throttling, UnprocessedItems) cuts the rate by half the share refused (a call
     * refused outright halves it), at most once a second, since the calls in flight report the same congestion; each
     * second's worth of accepted units adds 5% of the ceiling back. An UNLIMITED ceiling paces nothing.
     *
     * Writes: chargeWrite(units) before sending, then wait what it returns. Reads: untilCredit() (or awaitCredit())
     * before reading, charge(consumed) after.
     */
    static final class Pacer {
        static final double SLACK = 0.95;
        static final double INCREASE = 0.05;
        static final long CUT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

        private final Clock clock;
        private final double ceiling;
        private final TokenBucket bucket;
        private double rate;
        private long lastCut;
        private boolean cut;

        /** Paced to `ceiling` units a second (a table's ceiling, capped by the user's maximum). */
        Pacer(double ceiling, Clock clock) {
            this.clock = clock;
            // UNKNOWN is not learned yet (a place for it): paced as UNLIMITED until it is.
            this.ceiling = Double.isFinite(ceiling) ? ceiling * SLACK : Ceilings.UNLIMITED;
            this.rate = this.ceiling;
            this.bucket = paced() ? new TokenBucket(rate, clock) : null;
        }

        static Pacer unpaced() { return new Pacer(Ceilings.UNLIMITED, Clock.SYSTEM); }

        boolean paced() { return Double.isFinite(ceiling); }

        /** Units a second it paces to now (infinite when unpaced). */
        synchronized double rate() { return rate; }

        /** The highest rate it paces to: the ceiling less the slack. */
        double ceiling() { return ceiling; }

        /** A write of `units`, charged before it is sent: the nanoseconds to wait before sending it. */
        long chargeWrite(double units) {
            if (!paced()) return 0;
            bucket.charge(units);
            return bucket.nanosUntilCredit();
        }

        /** Before a read: the nanoseconds until the bucket is out of debt. */
        long untilCredit() { return paced() ? bucket.nanosUntilCredit() : 0; }

        /** Waits (on its clock) until a read may go. */
        void awaitCredit() throws InterruptedException {
            for (long wait = untilCredit(); wait > 0; wait = untilCredit()) clock.sleep(wait);
        }

        /** After a read: what it consumed (its ConsumedCapacity, or an estimate from the items' sizes). */
        void charge(double units) {
            if (paced()) bucket.charge(units);
        }

        /** `units` the table accepted: additive increase, 5% of the ceiling per second's worth of them. */
        synchronized void accepted(double units) {
            if (!paced() || units <= 0) return;
            rate = Math.min(ceiling, rate + Math.max(1, ceiling * INCREASE) * units / rate);
            bucket.rate(rate);
        }

        /** A refusal of `share` of a call (1: all of it): multiplicative decrease, at most once a second. */
        synchronized void refused(double share) {
            if (!paced()) return;
            long now = clock.nanos();
            if (cut && now - lastCut <= CUT_INTERVAL_NANOS) return;
            rate = Math.max(1, rate * (1 - share / 2));
            bucket.rate(rate);
            lastCut = now;
            cut = true;
        }

        /** Units in store now (negative: in debt); for tests and reports. */
        double tokens() { return paced() ? bucket.tokens() : Double.POSITIVE_INFINITY; }
    }
}
