// The one parallel table scan of the scripts that read a whole table (scan, export, import --replace): segments at
// once, a page at a time to a consumer, an optional pacer, errors and stops handled once. Pulled in with //SOURCES
// next to lib/Ddb.java and lib/Capacity.java (whose pacer and read sizing it uses).

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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * A Scan of a whole table in `segments` parallel segments (one thread each), every page handed to the consumer as it
 * comes, on its segment's thread, following LastEvaluatedKey to the end.
 *
 * - The first failure, a consumer's included (a broken pipe, say), stops every segment after the page at hand and is
 *   thrown as it was: no ExecutionException to unwrap, no segment left running.
 * - limit(n) hands out exactly n items in all, then stops; each page asks for no more than is left.
 * - paced(pacer): a page goes once the pacer is out of debt, and is charged after by what it consumed
 *   (ReturnConsumedCapacity, or the items' size where DynamoDB does not say), so parallel segments share one pace.
 * - The threads are daemons: Ctrl-C never waits for a scan; what it should say is its caller's (Ddb.OnInterrupt).
 */
final class TableScan {
    /** What a segment does with a page: true to go on, false to stop the whole scan (a limit reached, say). */
    interface Pages {
        boolean accept(List<Map<String, AttributeValue>> items) throws Exception;
    }

    static final int MAX_PAGE = 1000;

    private final DynamoDbClient ddb;
    private final ScanRequest request;
    private final int segments;
    private Capacity.Pacer pacer;
    private Long limit;
    private final AtomicLong items = new AtomicLong();
    private final DoubleAdder consumed = new DoubleAdder();
    private volatile boolean stop;

    /** A scan of `request` (its table, and any projection, filter or consistency) in `segments` segments. */
    TableScan(DynamoDbClient ddb, ScanRequest request, int segments) {
        this.ddb = ddb;
        this.request = request;
        this.segments = segments;
    }

    TableScan paced(Capacity.Pacer pacer) {
        this.pacer = pacer;
        return this;
    }

    /** At most `n` items in all (null: every item). */
    TableScan limit(Long n) {
        this.limit = n;
        return this;
    }

    /** Items handed out so far. */
    long items() { return items.get(); }

    /** Read units consumed so far, as DynamoDB counted them (paced, or the request asked: ReturnConsumedCapacity). */
    double consumed() { return consumed.sum(); }

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
        do {
            if (pacer != null) pacer.awaitCredit();
            ScanRequest.Builder page = request.toBuilder().exclusiveStartKey(startKey);
            if (segments > 1) page.segment(segment).totalSegments(segments);
            Integer size = pageSize();
            if (size != null) page.limit(size);
            if (pacer != null) page.returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
            ScanResponse response = ddb.scan(page.build());
            if (pacer != null) {
                var said = response.consumedCapacity();
                double units = said != null && said.capacityUnits() != null ? said.capacityUnits()
                        : Capacity.readUnits(response.items(), Boolean.TRUE.equals(request.consistentRead()));
                consumed.add(units);
                pacer.charge(units);
            } else if (response.consumedCapacity() != null && response.consumedCapacity().capacityUnits() != null) {
                consumed.add(response.consumedCapacity().capacityUnits()); // the request asked for it: summed as said
            }
            List<Map<String, AttributeValue>> claimed = claim(response.items());
            if (!claimed.isEmpty() && !consumer.accept(claimed)) stop = true;
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (startKey != null && !stop);
    }

    /**
     * The page size to ask for (Limit), or null for DynamoDB's own (up to 1 MB): what is left of a limit, at most
     * MAX_PAGE. A paced scan may also size pages to fit the pace here.
     */
    private Integer pageSize() {
        if (limit == null) return request.limit();
        return (int) Math.min(MAX_PAGE, Math.max(1, limit - items.get()));
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
}
