// The loaders' family file (seed, import): the batch writer (BatchWriteItem for any number of writes, paced, in
// constant memory) and the load flow around it (its options, plan line, Ctrl-C note and summary). Pulled in with
// //SOURCES next to lib/Ddb.java and lib/Capacity.java, whose pacer and item sizing it uses.

import java.io.PrintWriter;
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
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchWriteItem for any number of writes, paced to the table's capacity, in constant memory: requests are
 * pulled from an iterator as they are sent, at most `threads` calls in flight.
 *
 * Retries have one owner each. Each call (Capacity.OWN_THROTTLING) retries only what failed in transit or
 * with a 5xx. This writer owns capacity: items DynamoDB leaves unprocessed and calls refused as throttled go
 * back to the front of the queue and are sent again after a full-jitter backoff (the SDK's own strategy),
 * however long it takes, as long as the table keeps taking some writes. Only a whole `giveUpAfter` without a
 * single item landing ends the run; what is left is then counted and reported, never dropped silently.
 *
 * Pacing is the pacer's (lib/Capacity.java): every call is charged its write units before it is sent and waits
 * what the pacer says; what lands and what is refused tell the pacer how the table copes. Batches hold about one
 * second of writes at the pacer's rate, so a 5 WCU table gets 5 items a second in one call instead of 25 items and
 * 20 refusals. Unpaced (DynamoDB Local, or a table that announces nothing and has refused nothing yet), batches are
 * full. A table that announces no capacity may still refuse for long (a hot partition's 1,000 WCU does not scale):
 * its first refusal makes the pacer learn the rate it accepts (Capacity.Pacer), and batches follow that rate.
 */
final class BatchWriter {
    static final int MAX_BATCH = 25;
    /** Throttling is this writer's own (Capacity.OWN_THROTTLING): it resends after this backoff. */
    static final BackoffStrategy RESEND_BACKOFF = Capacity.RESEND_BACKOFF;

    final DynamoDbClient ddb;
    final String table;
    final List<String> keyNames;
    final Capacity.Pacer pacer;
    final int threads;
    final Duration giveUpAfter;
    final ProgressBar bar;
    final AtomicLong written = new AtomicLong();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong refusedCalls = new AtomicLong();
    /** Write units the calls consumed, as DynamoDB said (ReturnConsumedCapacity TOTAL); reported: it said any. */
    final DoubleAdder consumedUnits = new DoubleAdder();
    volatile boolean consumedReported;
    /** Writes that were not made: counted all, the first few kept for the report. */
    long unwritten;
    final List<WriteRequest> unwrittenSample = new ArrayList<>();
    volatile String problem = "";
    private volatile boolean stalled;

    private final Deque<WriteRequest> resend = new ArrayDeque<>();
    private volatile long lastProgress = System.nanoTime();
    /** Refusals in a row, counting the calls in flight together as one (they met the same full table). */
    private int refusalsInARow;
    private long lastRefusal = Long.MIN_VALUE;
    private RuntimeException fatal;

    /** Writes to `table` (from DescribeTable: its name and key) at the pace `pacer` keeps. */
    BatchWriter(DynamoDbClient ddb, TableDescription table, Capacity.Pacer pacer, int threads, Duration giveUpAfter,
            ProgressBar bar) {
        this.ddb = ddb;
        this.table = table.tableName();
        this.keyNames = table.keySchema().stream().map(k -> k.attributeName()).toList();
        this.pacer = pacer;
        this.threads = threads;
        this.giveUpAfter = giveUpAfter;
        this.bar = bar;
    }

    /** Sends every request of `source`; see `unwritten` for what could not be written. */
    void write(Iterator<WriteRequest> source) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Semaphore inFlight = new Semaphore(threads);
        try {
            while (true) {
                // A table that refused before a learning pacer saw anything land: the calls in flight are the news
                // (one may have landed, and a refusal after it sets the pace), so wait for them, not send more.
                // Once anything lands unrefused, all the threads go again (a table that throttled a moment).
                if (pacer.learning() && !pacer.paced() && refusedLast()) {
                    inFlight.acquire(threads);
                    inFlight.release(threads);
                }
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

    private synchronized boolean refusedLast() { return refusalsInARow > 0; }

    /**
     * Refused items first, then new ones: about half a second of writes at the pacer's rate, at most 25. Half, not
     * one: a call of a second's worth fits the table's one second of burst only when it comes a whole second after
     * the last; smaller calls leave room for the calls' jitter (simulated, 1,500 items at a learned 20 WCU: 74 s
     * with 16 of 159 calls refused, against 79 s with 13 of 83).
     */
    private synchronized List<WriteRequest> nextBatch(Iterator<WriteRequest> source) {
        // The give-up clock runs only while refused items wait: time spent making new requests (a query per partition
        // for seed's stale items, say) is not a table that refuses.
        if (resend.isEmpty()) lastProgress = Math.max(lastProgress, System.nanoTime());
        int size = pacer.paced() ? (int) Math.max(1, Math.min(MAX_BATCH, pacer.rate() / 2)) : MAX_BATCH;
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

    private static double units(List<WriteRequest> batch) {
        double units = 0;
        for (WriteRequest w : batch) units += Capacity.writeUnits(w);
        return units;
    }

    /** How long to wait before sending, in ms: the backoff after a refusal, and what the pacer asks. */
    private long pause(List<WriteRequest> batch) {
        long backoff;
        synchronized (this) {
            backoff = refusalsInARow == 0 ? 0 : RESEND_BACKOFF.computeDelay(refusalsInARow).toMillis();
        }
        long pace = pacer.paced() ? (pacer.chargeWrite(units(batch)) + 999_999) / 1_000_000 : 0;
        return Math.max(backoff, pace);
    }

    private void send(List<WriteRequest> batch) {
        calls.incrementAndGet();
        long sent = System.nanoTime();
        try {
            var response = ddb.batchWriteItem(r -> r.requestItems(Map.of(table, batch))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                    .overrideConfiguration(Capacity.OWN_THROTTLING));
            consumed(response.consumedCapacity());
            List<WriteRequest> left = response.unprocessedItems().getOrDefault(table, List.of());
            accepted(batch, left);
            if (!left.isEmpty()) {
                refused(left, (double) left.size() / batch.size(), sent, "left unprocessed by DynamoDB");
            }
        } catch (RuntimeException e) {
            if (Ddb.isThrottling(e)) {
                refused(batch, 1.0, sent, Ddb.explain(e, null));
            } else {
                synchronized (this) {
                    if (fatal == null) fatal = e;
                    problem = Ddb.explain(e, null);
                    giveUp(batch, Collections.emptyIterator());
                }
            }
        }
    }

    /** Adds what a call consumed (BatchWriteItem says it per table: one entry here). A refused call consumed none. */
    private void consumed(List<ConsumedCapacity> said) {
        for (ConsumedCapacity c : said) {
            if (c.capacityUnits() == null) continue;
            consumedUnits.add(c.capacityUnits());
            consumedReported = true;
        }
    }

    private synchronized void accepted(List<WriteRequest> batch, List<WriteRequest> left) {
        int landed = batch.size() - left.size();
        if (landed == 0) return;
        lastProgress = System.nanoTime();
        written.addAndGet(landed);
        if (bar != null) bar.stepBy(landed);
        refusalsInARow = 0; // the backoff is for a table that takes nothing; partial progress is paced instead
        // A learning pacer counts them even before it paces; an unpaced one (DynamoDB Local) needs no sizing.
        if (pacer.counting()) pacer.accepted(units(batch) * landed / batch.size());
    }

    /** `left` of a call `sent` then handed back: resent first; a call sent after the last refusal backs off more. */
    private synchronized void refused(List<WriteRequest> left, double share, long sent, String why) {
        refusedCalls.incrementAndGet();
        if (sent - lastRefusal > 0 || lastRefusal == Long.MIN_VALUE) refusalsInARow++;
        lastRefusal = System.nanoTime();
        problem = why;
        for (int i = left.size() - 1; i >= 0; i--) resend.addFirst(left.get(i));
        pacer.refused(share);
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
        String why = stalled ? "no item landed for " + giveUpAfter.toSeconds() + " s; last answer: " + problem
                : problem;
        var sb = new StringBuilder(String.format("%,d of %,d writes were not made (%s):", unwritten, total, why));
        for (int i = 0; i < unwrittenSample.size(); i++) {
            sb.append(i == 0 ? " " : ", ");
            for (AttributeValue v : key(unwrittenSample.get(i))) {
                sb.append(v.s() != null ? v.s() : v.n() != null ? v.n() : String.valueOf(v)).append(' ');
            }
            sb.setLength(sb.length() - 1);
        }
        if (unwritten > unwrittenSample.size()) {
            sb.append(String.format(" ... and %,d more", unwritten - unwrittenSample.size()));
        }
        return sb.toString();
    }

    // ---- The load flow of seed and import ---------------------------------------------------------------------------

    /**
     * What every script that loads items does around its writes, once (as `@Mixin BatchWriter.Load load`): the pacing
     * options, the plan line with its estimate, the writes with a note that only Ctrl-C prints (a failure is its own
     * one line, never an "Interrupted"), and the summary line.
     */
    static final class Load {
        /** Plans longer than this are announced as long, with what to do about it. */
        static final Duration LONG_PLAN = Duration.ofMinutes(5);

        @Spec(Spec.Target.MIXEE) CommandSpec spec;

        @Option(names = "--max-wcu", paramLabel = "N",
                description = "Write at most N write units per second (default: the share of the table's WCU or "
                        + "on-demand maximum; where none is announced, what the table accepts).")
        Integer maxWcu;
        @Option(names = "--share", paramLabel = "PERCENT",
                description = "Take at most PERCENT of the table's write capacity, and of its read capacity for the "
                        + "keys a load reads (seed's stale items, import --replace's), announced or learned (default: "
                        + Capacity.PROD_SHARE_PERCENT + " in prod, leaving the rest to the app; 100 elsewhere).")
        Integer share;
        @Option(names = "--give-up-after", paramLabel = "SECONDS", defaultValue = "60",
                description = "Stop when no item has landed for this long (throttling that lets some through never "
                        + "stops a run).")
        int giveUpAfter;
        @Option(names = "--threads", paramLabel = "N", defaultValue = "8",
                description = "BatchWriteItem requests in flight.")
        int threads;

        private long started;
        private long written;
        private long calls;
        private long refused;
        private double consumedUnits;
        private boolean consumedReported;

        /** Each option at least 1, or a usage error. */
        void check() {
            for (var n : List.of(Map.entry("--threads", threads), Map.entry("--give-up-after", giveUpAfter),
                    Map.entry("--max-wcu", maxWcu == null ? 1 : maxWcu),
                    Map.entry("--share", share == null ? 1 : share))) {
                if (n.getValue() < 1) {
                    throw new ParameterException(spec.commandLine(), n.getKey() + " must be at least 1");
                }
            }
            if (share != null && share > 100) {
                throw new ParameterException(spec.commandLine(), "--share must be a percentage from 1 to 100");
            }
        }

        /** The write units a second to pace to on `table`: --max-wcu, or the share of its ceiling (prod: half). */
        Capacity.Pace pace(Ddb.Connection conn, TableDescription table) {
            return Capacity.Pace.of(table == null ? Capacity.Ceilings.UNLIMITED
                    : Capacity.Ceilings.of(table, null).writes(), maxWcu, share, conn.prod);
        }

        /**
         * The plan, "PLAN; ESTIMATE": on stderr as "Plan: ..." before anything is written, or for a dry run on stdout
         * as "Dry run, nothing written. Would VERB PLAN; ESTIMATE WHERE." A plan longer than LONG_PLAN says so, and how
         * to make it shorter (`shorter`: this script's own way, or null).
         */
        void plan(String verb, String plan, String where, long units, Capacity.Pace pace, boolean dryRun,
                String shorter) {
            plan(verb, plan, where, units, pace, dryRun, shorter, null);
        }

        /** As above, then "; READS" (the pace of the load's own reads, seed's stale items say; null: none). */
        void plan(String verb, String plan, String where, long units, Capacity.Pace pace, boolean dryRun,
                String shorter, String reads) {
            double ceiling = pace.limit();
            String line = plan + "; " + pace.estimate(units, "WCU");
            String more = reads == null ? "" : "; " + reads;
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            if (dryRun) out.println("Dry run, nothing written. Would " + verb + " " + line + where + more + ".");
            else err.println("Plan: " + line + more);
            if (units >= 0 && Double.isFinite(ceiling) && Capacity.seconds(units, ceiling) > LONG_PLAN.toSeconds()) {
                err.printf("This is a long load for a table of %.0f WCU. Faster: a table on demand (schema-load "
                        + "--billing-mode PAY_PER_REQUEST), more write capacity (aws dynamodb update-table)%s.%n",
                        ceiling, shorter == null ? "" : ", or " + shorter);
            }
        }

        /**
         * Writes every request at the table's pace (on the script's client, its throttling left to the writer).
         * Ctrl-C meanwhile, and only Ctrl-C, prints how far it got and `rerun`; writes that could not be made are one
         * Failure: the report and `rerun`. `total` is the number of writes for those lines (below 0: not known).
         */
        BatchWriter write(Ddb.Connection conn, TableDescription table, Iterator<WriteRequest> requests,
                LongSupplier total, ProgressBar bar, String rerun) throws InterruptedException {
            if (started == 0) started = System.nanoTime();
            var pacer = pace(conn, table).pacer();
            var writer = new BatchWriter(conn.client(), table, pacer, threads, Duration.ofSeconds(giveUpAfter), bar);
            PrintWriter err = spec.commandLine().getErr();
            try (var note = new Ddb.OnInterrupt(() -> {
                long all = total.getAsLong();
                err.printf("%nInterrupted after %,d%s writes. %s%n", writer.written.get(),
                        all < 0 ? "" : String.format(" of %,d", all), rerun);
                err.flush();
            })) {
                writer.write(requests);
            } finally {
                written += writer.written.get();
                calls += writer.calls.get();
                refused += writer.refusedCalls.get();
                consumedUnits += writer.consumedUnits.sum();
                consumedReported |= writer.consumedReported;
            }
            if (writer.unwritten > 0) {
                long all = total.getAsLong();
                throw new Ddb.Failure(writer.failureReport(all < 0 ? writer.written.get() + writer.unwritten : all)
                        + ". " + rerun);
            }
            return writer;
        }

        /** "Wrote 1,234 items in 2.10 s (588 items/s, 0 of 50 calls throttled)" on stderr, for every write so far. */
        void summary() {
            double seconds = Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0;
            spec.commandLine().getErr().printf(
                    "Wrote %,d items in %.2f s (%,.0f items/s, %,d of %,d calls throttled)%n", written, seconds,
                    written / Math.max(seconds, 0.001), refused, calls);
        }

        /**
         * The closing line on stderr: the write units DynamoDB said every write so far consumed and `reads`, the read
         * units of the script's own reads (null: it made none), as the AWS CLI's --return-consumed-capacity says them.
         */
        void consumed(Double reads) {
            spec.commandLine().getErr().println(Ddb.consumed(consumedReported ? consumedUnits : null, "write")
                    + (reads == null ? "" : ", " + Ddb.consumed(reads, "read"))
                    + " (ReturnConsumedCapacity TOTAL, summed over the calls)");
        }
    }
}
