// The paced batch writer of the scripts that load items (seed, import): BatchWriteItem for any number of writes, at the
// table's capacity, in constant memory. Pulled in with //SOURCES next to lib/Ddb.java, whose dependencies it uses.

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchWriteItem for any number of writes, paced to the table's capacity, in constant memory: requests are
 * pulled from an iterator as they are sent, at most `threads` calls in flight.
 *
 * Retries have one owner each. The client (RETRIES_BUT_THROTTLING) retries a call that failed in transit or
 * with a 5xx. This writer owns capacity: items DynamoDB leaves unprocessed and calls refused as throttled go
 * back to the front of the queue and are sent again after a full-jitter backoff (the SDK's own strategy),
 * however long it takes, as long as the table keeps taking some writes. Only a whole `giveUpAfter` without a
 * single item landing ends the run; what is left is then counted and reported, never dropped silently.
 *
 * Pacing: a token bucket of `rate` write units per second, with one second of burst, in front of every call.
 * The rate starts at 95% of the ceiling (the table's provisioned WCU, or --max-wcu) and adapts AIMD-style to what the
 * table answers: a refusal cuts it by half the share refused (a call refused outright halves it; one cut per
 * second at most, since the calls in flight report the same congestion), and each second of accepted writes
 * adds 5% of the ceiling back. Batches hold about one second of writes, so a 5 WCU table gets 5 items a second
 * in one call instead of 25 items and 20 refusals. An on-demand table, or DynamoDB Local (which enforces no
 * capacity), has no ceiling: it is written unpaced; an on-demand table's throttling is short-lived (it doubles
 * its capacity as traffic grows), so the resend backoff alone is the right answer to it.
 */
final class BatchWriter {
    static final int MAX_BATCH = 25;
    /** The share of the capacity it paces to: our bucket and the table's are not in step, and slack keeps refusals rare. */
    static final double SLACK = 0.95;
    static final BackoffStrategy RESEND_BACKOFF = BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(5));
    /**
     * The client's retries for this writer: the helper's one strategy, minus throttling, which this writer must see at
     * once to slow down, and resends itself. Calls that fail in transit or with a 5xx are still the client's.
     */
    static final RetryStrategy RETRIES_BUT_THROTTLING = Ddb.retries(e -> Ddb.isTransient(e) && !Ddb.isThrottling(e));

    final DynamoDbClient ddb;
    final String table;
    final List<String> keyNames;
    final double ceiling;
    final int threads;
    final Duration giveUpAfter;
    final ProgressBar bar;
    final AtomicLong written = new AtomicLong();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong refusedCalls = new AtomicLong();
    /** Writes that were not made: counted all, the first few kept for the report. */
    long unwritten;
    final List<WriteRequest> unwrittenSample = new ArrayList<>();
    volatile String problem = "";
    private volatile boolean stalled;

    private final Deque<WriteRequest> resend = new ArrayDeque<>();
    private final long started = System.nanoTime();
    private double rate;
    private double tokens;
    private long refilled = started;
    private long lastCut;
    private volatile long lastProgress = started;
    private int refusalsInARow;
    private RuntimeException fatal;

    /** Writes to `table` (from DescribeTable): its name, key and capacity; maxWcu, when given, caps the rate. */
    BatchWriter(DynamoDbClient ddb, TableDescription table, Integer maxWcu, int threads, Duration giveUpAfter, ProgressBar bar) {
        this.ddb = ddb;
        this.table = table.tableName();
        this.keyNames = table.keySchema().stream().map(k -> k.attributeName()).toList();
        double ceiling = ceiling(table, maxWcu);
        this.threads = threads;
        this.giveUpAfter = giveUpAfter;
        this.bar = bar;
        // 95%: our bucket and the table's are not in step; a little slack keeps refusals rare.
        this.ceiling = ceiling * SLACK;
        this.rate = this.ceiling;
        this.tokens = Double.isInfinite(ceiling) ? 0 : this.ceiling;
    }

    /**
     * The write units per second the table takes: its provisioned WCU (the lowest of the table's and its
     * indexes'), capped by maxWcu; infinite for an on-demand table or DynamoDB Local (its ARNs are in region
     * "ddblocal"), which take any rate until they refuse.
     */
    static double ceiling(TableDescription t, Integer maxWcu) {
        double wcu = Double.POSITIVE_INFINITY;
        boolean onDemand = t.billingModeSummary() != null && t.billingModeSummary().billingMode() == BillingMode.PAY_PER_REQUEST;
        if (!onDemand && !String.valueOf(t.tableArn()).contains(":ddblocal:") && t.provisionedThroughput() != null) {
            wcu = t.provisionedThroughput().writeCapacityUnits();
            for (var index : t.globalSecondaryIndexes()) {
                if (index.provisionedThroughput() != null) wcu = Math.min(wcu, index.provisionedThroughput().writeCapacityUnits());
            }
        }
        return maxWcu != null ? Math.min(wcu, maxWcu) : wcu;
    }

    /** How long `units` of writes take at the pace this writer keeps on a table of `ceiling` WCU (an estimate for plans). */
    static double seconds(double units, double ceiling) {
        return units / (ceiling * SLACK);
    }

    /** Write units of one request: 1 per started KB of the item for a put; a delete is counted as 1. */
    static int units(WriteRequest w) {
        if (w.putRequest() == null) return 1;
        long bytes = 0;
        for (var e : w.putRequest().item().entrySet()) bytes += utf8(e.getKey()) + size(e.getValue());
        return (int) Math.max(1, (bytes + 1023) / 1024);
    }

    /** DynamoDB's size of an attribute value (its documented rules, close enough to pace by). */
    static long size(AttributeValue v) {
        if (v.s() != null) return utf8(v.s());
        if (v.n() != null) return v.n().length() / 2 + 2;
        if (v.b() != null) return v.b().asByteArrayUnsafe().length;
        if (v.hasSs()) return v.ss().stream().mapToLong(BatchWriter::utf8).sum();
        if (v.hasNs()) return v.ns().stream().mapToLong(n -> n.length() / 2 + 2).sum();
        if (v.hasBs()) return v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
        if (v.hasM()) return 3 + v.m().entrySet().stream().mapToLong(e -> 1 + utf8(e.getKey()) + size(e.getValue())).sum();
        if (v.hasL()) return 3 + v.l().stream().mapToLong(e -> 1 + size(e)).sum();
        return 1; // BOOL, NULL
    }

    /** Sends every request of `source`; see `unwritten` for what could not be written. */
    void write(Iterator<WriteRequest> source) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Semaphore inFlight = new Semaphore(threads);
        try {
            while (true) {
                List<WriteRequest> batch = nextBatch(source);
                synchronized (this) {
                    if (fatal != null) {
                        giveUp(batch, source);
                        break;
                    }
                }
                if (batch.isEmpty()) {
                    if (inFlight.availablePermits() == threads && !source.hasNext() && resendIsEmpty()) break;
                    synchronized (this) { wait(20); } // a call in flight may hand items back
                    continue;
                }
                // Wait what pacing and backoff ask, but not past the end of the give-up window.
                long untilGiveUp = (lastProgress + giveUpAfter.toNanos() - System.nanoTime()) / 1_000_000;
                Thread.sleep(Math.max(0, Math.min(pause(batch), untilGiveUp + 1)));
                if (System.nanoTime() - lastProgress > giveUpAfter.toNanos()) {
                    stalled = true;
                    giveUp(batch, source);
                    break;
                }
                inFlight.acquire();
                pool.execute(() -> {
                    try {
                        send(batch);
                    } finally {
                        inFlight.release();
                        synchronized (this) { notifyAll(); }
                    }
                });
            }
            inFlight.acquire(threads);
            synchronized (this) {
                giveUp(new ArrayList<>(resend), Collections.emptyIterator());
                resend.clear();
                if (fatal != null && !Ddb.isTransient(fatal)) throw fatal;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private synchronized boolean resendIsEmpty() { return resend.isEmpty(); }

    /** Refused items first, then new ones: about one second of writes at the current rate, at most 25. */
    private synchronized List<WriteRequest> nextBatch(Iterator<WriteRequest> source) {
        // The give-up clock runs only while refused items wait: time spent making new requests (a query per partition
        // for seed's stale items, say) is not a table that refuses.
        if (resend.isEmpty()) lastProgress = Math.max(lastProgress, System.nanoTime());
        int size = Double.isInfinite(rate) ? MAX_BATCH : (int) Math.max(1, Math.min(MAX_BATCH, rate));
        List<WriteRequest> batch = new ArrayList<>(size);
        Set<List<AttributeValue>> keys = new HashSet<>();
        for (var it = resend.iterator(); it.hasNext() && batch.size() < size; ) {
            WriteRequest w = it.next();
            if (keys.add(key(w))) {
                batch.add(w);
                it.remove();
            }
        }
        while (batch.size() < size && source.hasNext()) {
            WriteRequest w = source.next();
            if (!keys.add(key(w))) { // DynamoDB refuses a call that writes one key twice: the next call takes it
                resend.addLast(w);
                break;
            }
            batch.add(w);
        }
        return batch;
    }

    private List<AttributeValue> key(WriteRequest w) {
        var item = w.putRequest() != null ? w.putRequest().item() : w.deleteRequest().key();
        return keyNames.stream().map(item::get).toList();
    }

    /** How long to wait before sending: the backoff after a refusal, and what the token bucket owes. */
    private synchronized long pause(List<WriteRequest> batch) {
        long backoff = refusalsInARow == 0 ? 0 : RESEND_BACKOFF.computeDelay(refusalsInARow).toMillis();
        if (Double.isInfinite(rate)) return backoff;
        long now = System.nanoTime();
        tokens = Math.min(Math.max(rate, 1), tokens + (now - refilled) / 1e9 * rate);
        refilled = now;
        for (WriteRequest w : batch) tokens -= units(w);
        return Math.max(backoff, tokens >= 0 ? 0 : (long) Math.ceil(-tokens / rate * 1000));
    }

    private void send(List<WriteRequest> batch) {
        calls.incrementAndGet();
        try {
            var response = ddb.batchWriteItem(r -> r.requestItems(Map.of(table, batch)));
            List<WriteRequest> left = response.unprocessedItems().getOrDefault(table, List.of());
            accepted(batch, left);
            if (!left.isEmpty()) refused(left, (double) left.size() / batch.size(), "left unprocessed by DynamoDB");
        } catch (RuntimeException e) {
            if (Ddb.isThrottling(e)) {
                refused(batch, 1.0, Ddb.explain(e, null));
            } else {
                synchronized (this) {
                    if (fatal == null) fatal = e;
                    problem = Ddb.explain(e, null);
                    giveUp(batch, Collections.emptyIterator());
                }
            }
        }
    }

    private synchronized void accepted(List<WriteRequest> batch, List<WriteRequest> left) {
        int landed = batch.size() - left.size();
        if (landed == 0) return;
        lastProgress = System.nanoTime();
        written.addAndGet(landed);
        if (bar != null) bar.stepBy(landed);
        double units = 0;
        for (WriteRequest w : batch) units += units(w);
        units = units * landed / batch.size();
        refusalsInARow = 0; // the backoff is for a table that takes nothing; partial progress is paced instead
        // Additive increase: 5% of the ceiling per second of accepted writes.
        if (!Double.isInfinite(rate)) rate = Math.min(ceiling, rate + Math.max(1, ceiling * 0.05) * units / rate);
    }

    private synchronized void refused(List<WriteRequest> left, double share, String why) {
        refusedCalls.incrementAndGet();
        refusalsInARow++;
        problem = why;
        for (int i = left.size() - 1; i >= 0; i--) resend.addFirst(left.get(i));
        long now = System.nanoTime();
        if (!Double.isInfinite(rate) && now - lastCut > 1_000_000_000L) {
            rate = Math.max(1, rate * (1 - share / 2));
            tokens = Math.min(tokens, rate);
            lastCut = now;
        }
    }

    /** Counts what will not be written: the batch at hand and everything the source still holds. */
    private void giveUp(List<WriteRequest> batch, Iterator<WriteRequest> source) {
        batch.forEach(this::notWritten);
        while (source.hasNext()) notWritten(source.next());
    }

    private synchronized void notWritten(WriteRequest w) {
        unwritten++;
        if (unwrittenSample.size() < 10) unwrittenSample.add(w);
    }

    /** "1,234 of 3,000 writes were not made (why): keys..." for the final error line. */
    String failureReport(long total) {
        String why = stalled ? "no item landed for " + giveUpAfter.toSeconds() + " s; last answer: " + problem : problem;
        StringBuilder sb = new StringBuilder(String.format("%,d of %,d writes were not made (%s):", unwritten, total, why));
        for (int i = 0; i < unwrittenSample.size(); i++) {
            sb.append(i == 0 ? " " : ", ");
            for (AttributeValue v : key(unwrittenSample.get(i))) {
                sb.append(v.s() != null ? v.s() : v.n() != null ? v.n() : String.valueOf(v)).append(' ');
            }
            sb.setLength(sb.length() - 1);
        }
        if (unwritten > unwrittenSample.size()) sb.append(String.format(" ... and %,d more", unwritten - unwrittenSample.size()));
        return sb.toString();
    }

    /** UTF-8 bytes of a string, without encoding it. */
    static long utf8(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 2 : 3;
        }
        return n;
    }
}
