// The one parallel table scan of the scripts that read a whole table (scan, export, import --replace): segments at
// once, a page at a time to a consumer, an optional pacer, errors and stops handled once; and the readers' pacing
// options (--max-rcu, --share) with their plan line. Pulled in with //SOURCES next to lib/Ddb.java and
// lib/Capacity.java (whose pacer and paced page step it uses).

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * A Scan of a whole table in `segments` parallel segments (one thread each), every page handed to the consumer as it
 * comes, on its segment's thread, following LastEvaluatedKey to the end.
 *
 * - The first failure, a consumer's included (a broken pipe, say), stops every segment after the page at hand and is
 *   thrown as it was: no ExecutionException to unwrap, no segment left running.
 * - limit(n) hands out exactly n items in all, then stops; each page asks for no more than is left.
 * - paced(pacer): every page goes through Capacity.PacedPages, the paced page step of every bulk reader: sized to
 *   the pace, sent once the pacer is out of debt, charged by what it consumed, so parallel segments share one pace;
 *   a refused page slows the pace and is read again.
 * - The threads are daemons: Ctrl-C never waits for a scan; what it should say is its caller's (Ddb.OnInterrupt).
 */
final class TableScan {
    /** What a segment does with a page: true to go on, false to stop the whole scan (a limit reached, say). */
    interface Pages {
        boolean accept(List<Map<String, AttributeValue>> items) throws Exception;
    }

    static final int MAX_PAGE = Capacity.PacedPages.MAX_PAGE;

    private final DynamoDbClient ddb;
    private final ScanRequest request;
    private final int segments;
    /** The paced page step (null: unpaced, throttling left to the client). */
    private Capacity.PacedPages reads;
    private Long limit;
    private final AtomicLong items = new AtomicLong();
    /** Unpaced: the read units the request asked DynamoDB to say. */
    private final DoubleAdder consumed = new DoubleAdder();
    private long bytesPerItem = 1024;
    private volatile boolean stop;

    /** A scan of `request` (its table, and any projection, filter or consistency) in `segments` segments. */
    TableScan(DynamoDbClient ddb, ScanRequest request, int segments) {
        this.ddb = ddb;
        this.request = request;
        this.segments = segments;
    }

    /** Paced by `pacer`, shared by every segment (Capacity.PacedPages); null: unpaced, throttling the client's. */
    TableScan paced(Capacity.Pacer pacer) {
        this.reads = pacer == null ? null : new Capacity.PacedPages(pacer, segments,
                Boolean.TRUE.equals(request.consistentRead())).itemBytes(bytesPerItem);
        return this;
    }

    /** The average item's size (DescribeTable's TableSizeBytes / ItemCount), to size the first paced pages. */
    TableScan itemBytes(long bytes) {
        if (bytes > 0) this.bytesPerItem = bytes;
        if (reads != null) reads.itemBytes(bytes);
        return this;
    }

    /** Reads the table refused (throttled) so far; each was read again after the pacer slowed down. */
    long refusedReads() { return reads == null ? 0 : reads.refused(); }

    /** At most `n` items in all (null: every item). */
    TableScan limit(Long n) {
        this.limit = n;
        return this;
    }

    /** Items handed out so far. */
    long items() { return items.get(); }

    /** Read units consumed so far, as DynamoDB counted them (paced, or the request asked: ReturnConsumedCapacity). */
    double consumed() { return consumed.sum() + (reads == null ? 0 : reads.consumed()); }

    /** Asks every segment to stop after the page at hand. */
    void stop() { stop = true; }

    /** Runs every segment; returns when all have ended or stopped, or throws the first failure. */
    void run(Pages consumer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(segments, work -> {
            Thread t = new Thread(work, "scan-segment");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < segments; s++) {
                int segment = s;
                running.add(pool.submit(() -> {
                    try {
                        segment(segment, consumer);
                    } catch (Exception | Error e) {
                        stop = true; // at once: the other segments end after their page at hand
                        throw e;
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    stop = true;
                    if (e.getCause() instanceof Exception cause) throw cause;
                    if (e.getCause() instanceof Error error) throw error;
                    throw e;
                }
            }
        } finally {
            stop = true;
            pool.shutdownNow();
        }
    }

    private void segment(int segment, Pages consumer) throws Exception {
        Map<String, AttributeValue> startKey = null;
        while (!stop) {
            ScanRequest.Builder page = request.toBuilder().exclusiveStartKey(startKey);
            if (segments > 1) page.segment(segment).totalSegments(segments);
            // What is left of a limit, at most MAX_PAGE (paced, the page step also fits it to the pace).
            Integer size = limit != null ? Integer.valueOf((int) Math.min(MAX_PAGE, Math.max(1, limit - items.get())))
                    : request.limit();
            ScanResponse response;
            if (reads != null) {
                response = reads.scan(ddb, page, size);
            } else {
                response = ddb.scan(page.limit(size).build());
                var said = response.consumedCapacity();
                if (said != null && said.capacityUnits() != null) consumed.add(said.capacityUnits()); // asked: as said
            }
            List<Map<String, AttributeValue>> claimed = claim(response.items());
            if (!claimed.isEmpty() && !consumer.accept(claimed)) stop = true;
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
            if (startKey == null) break;
        }
    }

    /** The page's items, cut to what is left of the limit; the limit reached stops the scan. */
    private List<Map<String, AttributeValue>> claim(List<Map<String, AttributeValue>> page) {
        if (limit == null) {
            items.addAndGet(page.size());
            return page;
        }
        while (true) {
            long before = items.get();
            long take = Math.min(page.size(), limit - before);
            if (take <= 0) {
                stop = true;
                return List.of();
            }
            if (items.compareAndSet(before, before + take)) {
                if (before + take >= limit) stop = true;
                return take == page.size() ? page : page.subList(0, (int) take);
            }
        }
    }

    /** What the background scan of iterator() hands over: items, its failure, or its end. */
    private record Handover(List<Map<String, AttributeValue>> items, Exception failure) {
        static final Handover END = new Handover(List.of(), null);
    }

    /**
     * The scan as an iterator, for a consumer that pulls (a batch writer): a background scan fills a queue of a few
     * pages, so memory stays bounded. A failure of the scan is thrown by hasNext() or next(), as it was.
     */
    Iterator<Map<String, AttributeValue>> iterator() {
        BlockingQueue<Handover> pages = new ArrayBlockingQueue<>(2 * segments + 2);
        Thread background = new Thread(() -> {
            Handover last = Handover.END;
            try {
                run(page -> {
                    while (!stop) {
                        if (pages.offer(new Handover(page, null), 100, TimeUnit.MILLISECONDS)) return true;
                    }
                    return false;
                });
            } catch (Exception e) {
                last = new Handover(List.of(), e);
            }
            try {
                pages.put(last); // the reader takes it, or the process is ending (a daemon thread)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "scan");
        background.setDaemon(true);
        background.start();
        return new Iterator<>() {
            Iterator<Map<String, AttributeValue>> page = List.<Map<String, AttributeValue>>of().iterator();
            boolean done;

            @Override public boolean hasNext() {
                while (!page.hasNext() && !done) {
                    Handover next;
                    try {
                        next = pages.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        stop = true;
                        throw new IllegalStateException("interrupted while scanning", e);
                    }
                    done = next == Handover.END || next.failure() != null;
                    if (next.failure() instanceof RuntimeException e) throw e;
                    if (next.failure() != null) {
                        throw new IllegalStateException(next.failure().getMessage(), next.failure());
                    }
                    page = next.items().iterator();
                }
                return page.hasNext();
            }

            @Override public Map<String, AttributeValue> next() {
                if (!hasNext()) throw new NoSuchElementException();
                return page.next();
            }
        };
    }

    // ---- The readers' pacing: options and plan line (scan, export) --------------------------------------------------

    /**
     * How a bulk reader shares the table (as `@Mixin TableScan.Pacing pacing`): --max-rcu, or a share of the table's
     * read capacity (50% in prod by default), and the plan line that says so on stderr before the first page.
     */
    static final class Pacing {
        /** Reads longer than this are announced as long, with what to do about it. */
        static final long LONG_READ_SECONDS = 300;

        @Spec(Spec.Target.MIXEE) CommandSpec spec;

        @Option(names = "--max-rcu", paramLabel = "N",
                description = "Read at most N read units per second (default: the share of the table's RCU or "
                        + "on-demand maximum; where none is announced, what the table accepts).")
        Integer maxRcu;
        @Option(names = "--share", paramLabel = "PERCENT",
                description = "Take at most PERCENT of the table's read capacity, announced or learned (default: "
                        + Capacity.PROD_SHARE_PERCENT + " in prod, leaving the rest to the app; 100 elsewhere).")
        Integer share;

        /** Each option in range, or a usage error. */
        void check() {
            if (maxRcu != null && maxRcu < 1) {
                throw new ParameterException(spec.commandLine(), "--max-rcu must be at least 1");
            }
            if (share != null && (share < 1 || share > 100)) {
                throw new ParameterException(spec.commandLine(), "--share must be a percentage from 1 to 100");
            }
        }

        /**
         * The pacer of a read of `t` (or its `index`) by `verb`, after a plan line on stderr where there is a limit to
         * keep (none against DynamoDB Local): the share, and how long the whole table takes at it (`whole`: false
         * when the read stops early, --limit say).
         */
        Capacity.Pacer pacer(Ddb.Connection conn, TableDescription t, String index, String verb, boolean whole) {
            var pace = Capacity.Pace.of(Capacity.Ceilings.of(t, index).reads(), maxRcu, share, conn.prod);
            if (pace.limit() == Capacity.Ceilings.UNLIMITED) return Capacity.Pacer.unpaced();
            long bytes = t.tableSizeBytes() == null ? 0 : t.tableSizeBytes();
            long items = t.itemCount() == null ? 0 : t.itemCount();
            long units = whole ? (long) Math.ceil(bytes / (double) Capacity.READ_UNIT_BYTES / 2) : -1;
            PrintWriter err = spec.commandLine().getErr();
            err.printf("Plan: %s %s (about %,d items, %,d KB, %,d RCU); %s%n", verb,
                    t.tableName(), items, (bytes + 1023) / 1024, Math.max(units, 0), pace.estimate(units, "RCU"));
            if (units >= 0 && Double.isFinite(pace.limit())
                    && Capacity.seconds(units, pace.limit()) > LONG_READ_SECONDS) {
                err.printf("This is a long read at %s RCU; it goes on until done. Faster: more read capacity (aws "
                        + "dynamodb update-table), or a bigger share (--share, --max-rcu) if the app can spare it.%n",
                        String.format("%.1f", pace.limit()).replace(".0", ""));
            }
            err.flush();
            return pace.pacer();
        }
    }
}
