// The capacity family file: what an item costs (DynamoDB's sizing rules, the 400 KB limit), what a table takes
// (its ceilings from DescribeTable), the pacer that keeps reads and writes to it, and the paced page step of every
// bulk reader. Pulled in with //SOURCES next
// to lib/Ddb.java (whose SDK it uses) by the scripts that write or read in bulk or check an item's size.

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.OnDemandThroughput;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

final class Capacity {
    private Capacity() {}

    // ---- Throttling, owned by the bulk reader and writer: they must see it at once to slow down, and resend ---------

    /** A bulk client's retries: the helper's one strategy minus throttling (calls that fail in transit, 5xx). */
    static final RetryStrategy RETRIES_BUT_THROTTLING = Ddb.retries(e -> Ddb.isTransient(e) && !Ddb.isThrottling(e));
    /** The same for one call on the script's own client (a plugin of the request alone): one client for a run. */
    static final AwsRequestOverrideConfiguration OWN_THROTTLING = AwsRequestOverrideConfiguration.builder()
            .addPlugin(c -> c.overrideConfiguration(c.overrideConfiguration().toBuilder()
                    .retryStrategy(RETRIES_BUT_THROTTLING).build())).build();
    /** The wait before resending what a table refused, after n refusals in a row: full jitter, up to 5 s. */
    static final BackoffStrategy RESEND_BACKOFF =
            BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(5));

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
     * and WCU, an on-demand table's OnDemandThroughput maximum (MaxReadRequestUnits, MaxWriteRequestUnits), the lowest
     * of the table and the index read (a read goes to one of them) or written (a write goes to the table and every
     * index). UNLIMITED where there is nothing to pace to: DynamoDB Local (its ARNs are in region "ddblocal"; it
     * enforces no capacity). UNKNOWN where a real table announces nothing (on demand, no maximum): it still throttles
     * at a hot partition or while it scales, so the pacer learns the limit from what the table accepts.
     */
    record Ceilings(double reads, double writes) {
        static final double UNLIMITED = Double.POSITIVE_INFINITY;
        /** Announced by nobody: learned from what the table accepts (see Pacer). */
        static final double UNKNOWN = Double.NaN;

        /** The table's ceilings; `index`, when given, is the index a reader reads instead of the table. */
        static Ceilings of(TableDescription t, String index) {
            if (String.valueOf(t.tableArn()).contains(":ddblocal:")) return new Ceilings(UNLIMITED, UNLIMITED);
            boolean onDemand = t.billingModeSummary() != null
                    && t.billingModeSummary().billingMode() == BillingMode.PAY_PER_REQUEST;
            if (!onDemand && t.provisionedThroughput() == null) return new Ceilings(UNLIMITED, UNLIMITED);
            double reads = onDemand ? max(t.onDemandThroughput(), true) : units(t.provisionedThroughput(), true);
            double writes = onDemand ? max(t.onDemandThroughput(), false) : units(t.provisionedThroughput(), false);
            for (var i : t.globalSecondaryIndexes()) {
                double r = onDemand ? max(i.onDemandThroughput(), true) : i.provisionedThroughput() == null
                        ? UNLIMITED : units(i.provisionedThroughput(), true);
                double w = onDemand ? max(i.onDemandThroughput(), false) : i.provisionedThroughput() == null
                        ? UNLIMITED : units(i.provisionedThroughput(), false);
                writes = lowest(writes, w);
                if (i.indexName().equals(index)) reads = r;
            }
            return new Ceilings(reads, writes);
        }

        /** The lower ceiling; UNKNOWN only when neither announces one. */
        private static double lowest(double a, double b) {
            return Double.isNaN(a) ? (Double.isNaN(b) ? a : b) : Double.isNaN(b) ? a : Math.min(a, b);
        }

        private static double units(ProvisionedThroughputDescription p, boolean reads) {
            Long units = reads ? p.readCapacityUnits() : p.writeCapacityUnits();
            return units == null || units <= 0 ? UNLIMITED : units; // an index of an on-demand table reports 0
        }

        /** An on-demand maximum; none set (absent, or -1): UNKNOWN. */
        private static double max(OnDemandThroughput t, boolean reads) {
            Long units = t == null ? null : reads ? t.maxReadRequestUnits() : t.maxWriteRequestUnits();
            return units == null || units <= 0 ? UNKNOWN : units;
        }
    }

    /** A ceiling capped by a user's maximum (--max-wcu): the lower of the two; null leaves it as it is. */
    static double capped(double ceiling, Integer max) {
        return max == null ? ceiling : Double.isNaN(ceiling) ? max : Math.min(ceiling, max);
    }

    // ---- Sharing a table with the app -------------------------------------------------------------------------------

    /** The share of an announced ceiling a bulk run takes in prod when not told: the rest is the app's. */
    static final int PROD_SHARE_PERCENT = 50;

    /**
     * What a bulk run paces to, and why: the user's maximum (--max-rcu, --max-wcu) when given, else `share` percent of
     * the table's ceiling (--share; by default 50 for the word prod, 100 for any other target). A ceiling to learn
     * (UNKNOWN) is found by refusals; the pacer keeps just under what the table accepts, or the share of it.
     */
    record Pace(double ceiling, double limit, int share, Integer max) {
        static Pace of(double ceiling, Integer max, Integer share, boolean prod) {
            int percent = share != null ? share : prod ? PROD_SHARE_PERCENT : 100;
            double limit = max != null ? capped(ceiling, max) : Double.isFinite(ceiling) ? ceiling * percent / 100.0
                    : ceiling;
            return new Pace(ceiling, limit, percent, max);
        }

        /** The pacer for this pace (the system's clock): a learned ceiling is kept to the share too. */
        Pacer pacer() { return new Pacer(limit, share / 100.0, Clock.SYSTEM); }

        /** "at 10 of the table's 20 RCU (a 50% share) about 16 s", or as estimate() says it for the whole ceiling. */
        String estimate(long units, String unit) {
            String whole = Capacity.estimate(units, limit, unit);
            if (Double.isNaN(limit) && share < 100) return whole + String.format(" (a %d%% share of it)", share);
            if (max != null || !Double.isFinite(ceiling) || limit >= ceiling) return whole;
            return String.format("at %s of the table's %.0f %s (a %d%% share)%s", number(limit), ceiling, unit, share,
                    whole.substring(whole.indexOf(unit) + unit.length()));
        }

        private static String number(double units) {
            return units == Math.rint(units) ? String.format("%.0f", units) : String.format("%.1f", units);
        }
    }

    /** How long `units` take at the pace kept on a table of `ceiling` units per second (an estimate for plans). */
    static double seconds(double units, double ceiling) {
        return units / (ceiling * Pacer.SLACK);
    }

    /** "at 20 WCU about 2 min 38 s", or why there is nothing to pace to; `units` below 0: not known beforehand. */
    static String estimate(long units, double ceiling, String unit) {
        if (Double.isNaN(ceiling)) return "no capacity announced (on demand): paced to what the table accepts";
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
     * An UNKNOWN ceiling (nothing announced) is learned: unpaced until the first refusal, then paced to 90% of
     * the units a second the table accepted over the last WINDOW (what it takes now: a hot partition's limit), from
     * an empty bucket (the refusal says the table's is empty); a refusal then brings it back to 90% of what the table
     * accepted (not below a quarter of the rate: a window of waits says little; cut as above when it took all that
     * was sent), and accepted units probe upward slowly (PROBE: 2% of the rate a second, at least MIN_PROBE units).
     * The first guess comes from a call or two, just after calls that emptied the table's store: it may be far too
     * low, so until the next refusal the rate grows half as fast again each second (START_GROWTH, a slow start).
     * A share below 1 (prod) paces to that share of what the table accepted instead, and after the start keeps it
     * as its cap, like an announced ceiling (cut on refusals, back up to the cap), and never probes above it: more
     * could only be found by taking it from the app, which only a refusal, too late, would tell.
     *
     * Writes: chargeWrite(units) before sending, then wait what it returns. Reads: the same with an estimate of the
     * page, then charge(consumed - estimate) after (DynamoDB charges a read after; reserving first keeps parallel
     * segments from overdrawing together). Both tell accepted() and refused() what the table answered.
     */
    static final class Pacer {
        static final double SLACK = 0.95;
        static final double INCREASE = 0.05;
        static final double PROBE = 0.02;
        static final double MIN_PROBE = 0.5;
        static final double MARGIN = 0.9;
        static final double START_GROWTH = 0.5;
        static final long CUT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
        static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(3);

        private final Clock clock;
        private final boolean learning;
        private final double ourShare;
        private double ceiling;
        private volatile TokenBucket bucket;
        private double rate;
        private long lastCut;
        private boolean cut;
        /** Learning, from the first refusal to the next: the first guess is from a call or two, so it grows fast. */
        private boolean starting;
        /** Accepted units, learning only: [nanos, units] within the last WINDOW. */
        private final java.util.ArrayDeque<double[]> window = new java.util.ArrayDeque<>();

        /** Paced to `ceiling` units a second (a table's ceiling, capped by the user's maximum), or learned: UNKNOWN. */
        Pacer(double ceiling, Clock clock) { this(ceiling, 1, clock); }

        /** As above; a learned ceiling is kept to `share` (0 to 1) of what the table accepts. */
        Pacer(double ceiling, double share, Clock clock) {
            this.clock = clock;
            this.ourShare = share;
            this.learning = Double.isNaN(ceiling);
            this.ceiling = Double.isFinite(ceiling) ? ceiling * SLACK : Ceilings.UNLIMITED;
            this.rate = this.ceiling;
            this.bucket = Double.isFinite(rate) ? new TokenBucket(rate, clock) : null;
        }

        static Pacer unpaced() { return new Pacer(Ceilings.UNLIMITED, Clock.SYSTEM); }

        /** True while it paces: an announced ceiling, or a learned one once the table has refused something. */
        boolean paced() { return bucket != null; }

        /** True when the limit is learned from the table's answers rather than announced. */
        boolean learning() { return learning; }

        /** Whether what lands matters to it (it paces, or learns): else a writer need not size what lands. */
        boolean counting() { return learning || paced(); }

        /** Units a second it paces to now (infinite when unpaced). */
        synchronized double rate() { return rate; }

        /** The highest rate it paces to: the ceiling less the slack (learned: infinite, or its share's cap). */
        synchronized double ceiling() { return ceiling; }

        /** A write of `units`, charged before it is sent: the nanoseconds to wait before sending it. */
        long chargeWrite(double units) {
            TokenBucket b = bucket;
            if (b == null) return 0;
            b.charge(units);
            return b.nanosUntilCredit();
        }

        /** Before a read: the nanoseconds until the bucket is out of debt. */
        long untilCredit() {
            TokenBucket b = bucket;
            return b == null ? 0 : b.nanosUntilCredit();
        }

        /** Waits (on its clock) until a read may go. */
        void awaitCredit() throws InterruptedException {
            for (long wait = untilCredit(); wait > 0; wait = untilCredit()) clock.sleep(wait);
        }

        /** Waits (on its clock) what chargeWrite returned. */
        void sleep(long nanos) throws InterruptedException {
            if (nanos > 0) clock.sleep(nanos);
        }

        /** After a read: what it consumed (its ConsumedCapacity, or an estimate from the items' sizes). */
        void charge(double units) {
            TokenBucket b = bucket;
            if (b != null) b.charge(units);
        }

        /** `units` the table accepted: additive increase, 5% of the ceiling (learned: 2% of the rate) a second. */
        synchronized void accepted(double units) {
            if (units <= 0) return;
            if (learning) note(units);
            if (!paced()) return;
            if (starting) {
                rate += units * START_GROWTH; // half as fast again each second, until the table refuses
                bucket.rate(rate);
                return;
            }
            // A learned limit probes; a shared one (prod) comes back to its cap as an announced ceiling does.
            double step = learning && ourShare >= 1 ? Math.max(MIN_PROBE, rate * PROBE)
                    : Math.max(1, ceiling * INCREASE);
            rate = Math.min(ceiling, rate + step * units / rate);
            bucket.rate(rate);
        }

        /**
         * A refusal of `share` of a call (1: all of it): multiplicative decrease, at most once a second; a learned
         * limit also comes back to what the table accepted over the last window.
         */
        synchronized void refused(double share) {
            long now = clock.nanos();
            if (!learning && !paced()) return;
            if (cut && now - lastCut <= CUT_INTERVAL_NANOS) return;
            if (learning && (ourShare >= 1 || starting || !paced())) {
                if (window.isEmpty() && !paced()) return; // nothing taken yet to learn from: the resend backoff waits
                double took = acceptedPerSecond(now); // what the table takes: what it took
                // under it, to probe from; or the share of it that is ours
                double learned = took * (ourShare < 1 ? ourShare : MARGIN);
                double next = !paced() || starting ? learned
                        : learned < rate ? Math.max(learned, rate / 4) : rate * (1 - share / 2);
                // The start ends at this refusal; a shared limit keeps its share of what the table took as its cap:
                // what the table accepts from us later is only our own rate, and would sink it at every refusal.
                if (starting && ourShare < 1) ceiling = Math.max(1, next);
                starting = !paced();
                rate = Math.max(1, next);
                if (bucket == null) {
                    bucket = new TokenBucket(rate, clock);
                    bucket.charge(rate); // from empty: the table that just refused has nothing in store either
                }
            } else {
                rate = Math.max(1, rate * (1 - share / 2));
            }
            bucket.rate(rate);
            lastCut = now;
            cut = true;
        }

        private void note(double units) {
            long now = clock.nanos();
            window.addLast(new double[] {now, units});
            while (now - (long) window.peekFirst()[0] > WINDOW_NANOS) window.removeFirst();
        }

        /**
         * Units accepted per second over the last WINDOW: what landed after its first entry, over the time since it
         * (the first entry's units landed before that time); one entry alone counts as a second's worth.
         */
        private double acceptedPerSecond(long now) {
            while (!window.isEmpty() && now - (long) window.peekFirst()[0] > WINDOW_NANOS) window.removeFirst();
            if (window.isEmpty()) return 0;
            double units = 0;
            for (double[] w : window) units += w[1];
            double[] first = window.peekFirst();
            double span = (now - (long) first[0]) / 1e9;
            return window.size() == 1 || span < 1 ? units / Math.max(1, span) : (units - first[1]) / span;
        }

        /** Units in store now (negative: in debt); for tests and reports. */
        double tokens() {
            TokenBucket b = bucket;
            return b != null ? b.tokens() : Double.POSITIVE_INFINITY;
        }
    }

    // ---- Paced pages: the one read loop of every bulk reader --------------------------------------------------------

    /**
     * Scan or Query pages read at a pacer's pace: the page step of every bulk reader (TableScan's segments, seed's
     * stale-item queries), `readers` of them at once sharing one pacer.
     *
     * - A page asks for what one second of its reader's part of the pace pays for (Limit), at the units per item read
     *   so far (before any, `itemBytes`' hint), and goes once the pacer is out of debt, its likely cost charged first
     *   (readers at once do not overdraw together); it is settled after by what it consumed (ReturnConsumedCapacity,
     *   or its items' size where DynamoDB does not say), and tells the pacer the table accepted it.
     * - Throttling is its own (OWN_THROTTLING: the client's retries do not hide it): a refused page slows the pacer,
     *   waits RESEND_BACKOFF and is read again, the same page, until GIVE_UP_NANOS pass without it; then the
     *   throttling is thrown. Nothing is lost.
     * - Unpaced (DynamoDB Local), a page is DynamoDB's own, nothing waits and the client's retries stay: the reads
     *   are the only calls, as they were.
     */
    static final class PacedPages {
        static final int MAX_PAGE = 1000;
        /** What the smallest page costs: half a read unit (one started 4 KB, eventually consistent). */
        static final double MIN_PAGE_UNITS = 0.5;
        /** A page that the table refuses for this long gives up (the throttling is thrown). */
        static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);

        private final Pacer pacer;
        private final int readers;
        private final boolean consistent;
        private volatile long bytesPerItem = 1024;
        private final DoubleAdder consumed = new DoubleAdder();
        private final AtomicLong refused = new AtomicLong();
        /** Pages that cost more than the smallest charge: their units, pages and items evaluated size the next. */
        private final DoubleAdder sizedUnits = new DoubleAdder();
        private final LongAdder sizedPages = new LongAdder();
        private final LongAdder sizedItems = new LongAdder();
        /** The most items a full page held for the smallest charge: each costs at most that charge / this. */
        private final AtomicLong cheapPage = new AtomicLong();

        /** Pages at `pacer`'s pace, `readers` at once; `consistent`: strongly consistent reads (twice the units). */
        PacedPages(Pacer pacer, int readers, boolean consistent) {
            this.pacer = pacer;
            this.readers = Math.max(1, readers);
            this.consistent = consistent;
        }

        /** The average item's size (DescribeTable's TableSizeBytes / ItemCount), to size the first paced pages. */
        PacedPages itemBytes(long bytes) {
            if (bytes > 0) this.bytesPerItem = bytes;
            return this;
        }

        /** Read units consumed so far, as DynamoDB counted them (or as the items' size says where it did not). */
        double consumed() { return consumed.sum(); }

        /** Pages the table refused (throttled) so far; each was read again after the pacer slowed down. */
        long refused() { return refused.get(); }

        /** One Scan page (`wanted`: the caller's Limit, or null for DynamoDB's own), read as the class says. */
        ScanResponse scan(DynamoDbClient ddb, ScanRequest.Builder page, Integer wanted) throws InterruptedException {
            return read(wanted, size -> ddb.scan(page.limit(size).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                            .overrideConfiguration(own()).build()),
                    r -> new Cost(r.consumedCapacity(), r.items(), r.scannedCount()));
        }

        /** One Query page (`wanted`: the caller's Limit, or null for DynamoDB's own), read as the class says. */
        QueryResponse query(DynamoDbClient ddb, QueryRequest.Builder page, Integer wanted)
                throws InterruptedException {
            return read(wanted, size -> ddb.query(page.limit(size).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                            .overrideConfiguration(own()).build()),
                    r -> new Cost(r.consumedCapacity(), r.items(), r.scannedCount()));
        }

        /**
         * The page's own throttling (OWN_THROTTLING) where a pacer paces or learns; where there is nothing to pace to
         * (DynamoDB Local, which throttles nothing) the client's retries stay, as a read without a pacer has them.
         */
        private AwsRequestOverrideConfiguration own() { return pacer.counting() ? OWN_THROTTLING : null; }

        /** Every item of a Query, page by page in order (LastEvaluatedKey followed), each read as the class says. */
        List<Map<String, AttributeValue>> queryAll(DynamoDbClient ddb, QueryRequest.Builder query)
                throws InterruptedException {
            List<Map<String, AttributeValue>> items = new java.util.ArrayList<>();
            Map<String, AttributeValue> start = null;
            do {
                var page = query(ddb, query.exclusiveStartKey(start), null);
                items.addAll(page.items());
                boolean more = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty();
                start = more ? page.lastEvaluatedKey() : null;
            } while (start != null);
            return items;
        }

        /** What a page tells the pacer: what DynamoDB said it consumed, its items, and the items it evaluated. */
        private record Cost(ConsumedCapacity said, List<Map<String, AttributeValue>> items, Integer evaluated) {}

        private <R> R read(Integer wanted, Function<Integer, R> send, Function<R, Cost> cost)
                throws InterruptedException {
            long started = System.nanoTime();
            for (int refusedInARow = 0; ; ) {
                Integer size = size(wanted);
                // Reserve the page's likely cost first, so readers at once do not overdraw together; settle it after.
                double reserved = pacer.paced() ? pageUnits(size) : 0;
                pacer.sleep(pacer.chargeWrite(reserved));
                R response;
                try {
                    response = send.apply(size);
                } catch (RuntimeException e) {
                    if (!Ddb.isThrottling(e) || System.nanoTime() - started > GIVE_UP_NANOS) throw e;
                    pacer.charge(-reserved); // a refused read costs nothing
                    pacer.refused(1);
                    refused.incrementAndGet();
                    Thread.sleep(RESEND_BACKOFF.computeDelay(++refusedInARow).toMillis());
                    continue; // the same page again
                }
                Cost page = cost.apply(response);
                double units = page.said() != null && page.said().capacityUnits() != null
                        ? page.said().capacityUnits() : readUnits(page.items(), consistent);
                consumed.add(units);
                learn(size, units, page.evaluated() != null ? page.evaluated() : page.items().size());
                pacer.charge(units - reserved);
                pacer.accepted(units);
                return response;
            }
        }

        /**
         * The Limit to ask for: `wanted`, and paced also what one second of a reader's part of the pace pays for, at
         * most MAX_PAGE; unpaced, `wanted` alone (null: DynamoDB's own page, up to 1 MB).
         */
        Integer size(Integer wanted) {
            if (!pacer.paced()) return wanted;
            double budget = Math.max(MIN_PAGE_UNITS, pacer.rate() / readers);
            int fits = (int) Math.max(1, Math.min(MAX_PAGE, budget / unitsPerItem()));
            return wanted == null ? fits : Math.min(wanted, fits);
        }

        /**
         * What a page says of an item's cost. A page dearer than the smallest charge, as read (less the rounding of
         * each page: a quarter unit on average); a full page at the smallest charge only that an item costs at most
         * that charge over its items (a small item in a small page says little more).
         */
        private void learn(Integer size, double units, int items) {
            if (units > readUnits(0, consistent) + 1e-9) {
                sizedUnits.add(units);
                sizedPages.increment();
                sizedItems.add(items);
            } else if (size != null && items >= size) {
                cheapPage.accumulateAndGet(items, Math::max);
            }
        }

        /**
         * Read units per item evaluated: as the dearer pages read so far say, or the hint before any (`itemBytes`'),
         * and never more than the cheap pages allow; before any dearer page, half of that (each full page at the
         * smallest charge then doubles the next: the pages grow fast from a hint that was too big).
         */
        private double unitsPerItem() {
            long n = sizedItems.sum(), cheap = cheapPage.get();
            double perItem = n > 0 ? Math.max((sizedUnits.sum() - 0.25 * sizedPages.sum()) / n, 1e-3)
                    : bytesPerItem / (double) READ_UNIT_BYTES / (consistent ? 1 : 2);
            if (cheap == 0) return perItem;
            double most = readUnits(0, consistent) / cheap;
            return Math.min(perItem, n > 0 ? most : most / 2);
        }

        /** What a page of `size` items likely costs (DynamoDB's minimum: half a unit). */
        private double pageUnits(Integer size) {
            return Math.max(MIN_PAGE_UNITS, (size == null ? MAX_PAGE : size) * unitsPerItem());
        }
    }
}
