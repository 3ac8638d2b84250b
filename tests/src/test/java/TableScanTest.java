import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** lib/TableScan.java against a table held in memory: segments, exact limits, one failure, a shared pace. */
class TableScanTest {
    /** A table of `items` keys, split into segments by key, served `page` items at a time (or the request's Limit). */
    static final class FakeTable implements DynamoDbClient {
        final int items, page;
        final double unitsPerPage;
        final List<ScanRequest> requests = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger calls = new AtomicInteger();
        RuntimeException failOnCall;
        int failAt = -1;
        /** Calls refused as throttled: every `refuseEvery`th call (0: none), until `refusals` of them. */
        int refuseEvery, refusals;
        final AtomicInteger refused = new AtomicInteger();

        FakeTable(int items, int page, double unitsPerPage) {
            this.items = items;
            this.page = page;
            this.unitsPerPage = unitsPerPage;
        }

        @Override public ScanResponse scan(ScanRequest r) {
            requests.add(r);
            int call = calls.incrementAndGet();
            if (call == failAt) throw failOnCall;
            if (refuseEvery > 0 && call % refuseEvery == 0 && refused.incrementAndGet() <= refusals) {
                throw ProvisionedThroughputExceededException.builder().statusCode(400).message("slow down")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                                .build()).build();
            }
            int segments = r.totalSegments() == null ? 1 : r.totalSegments(), segment = r.segment() == null ? 0 : r.segment();
            // Segment s holds keys s, s + segments, s + 2 * segments, ...
            int inSegment = (items - segment + segments - 1) / segments;
            int from = r.exclusiveStartKey() == null || r.exclusiveStartKey().isEmpty() ? 0
                    : (Integer.parseInt(r.exclusiveStartKey().get("pk").s()) - segment) / segments + 1;
            int size = r.limit() != null ? Math.min(page, r.limit()) : page;
            int to = Math.min(inSegment, from + size);
            List<Map<String, AttributeValue>> out = new ArrayList<>();
            for (int k = from; k < to; k++) out.add(Map.of("pk", AttributeValue.fromS(String.valueOf(segment + k * segments))));
            var response = ScanResponse.builder().items(out).count(out.size());
            if (to < inSegment) response.lastEvaluatedKey(out.get(out.size() - 1));
            if (r.returnConsumedCapacity() != null) {
                // Charged by what the page read, as DynamoDB does: unitsPerPage for a full page of `page` items.
                response.consumedCapacity(ConsumedCapacity.builder().capacityUnits(unitsPerPage * out.size() / page)
                        .build());
            }
            return response.build();
        }

        @Override public String serviceName() { return "dynamodb"; }

        @Override public void close() {}
    }

    static ScanRequest table() { return ScanRequest.builder().tableName("t").build(); }

    static Set<String> keys(List<Map<String, AttributeValue>> items) {
        Set<String> keys = new HashSet<>();
        for (var item : items) assertTrue(keys.add(item.get("pk").s()), "once only: " + item);
        return keys;
    }

    @Test
    void everySegmentEveryPageEveryItemOnce() throws Exception {
        var ddb = new FakeTable(1000, 37, 1);
        List<Map<String, AttributeValue>> seen = Collections.synchronizedList(new ArrayList<>());
        Set<String> threads = ConcurrentHashMap.newKeySet();
        var scan = new TableScan(ddb, table(), 4);
        scan.run(items -> {
            seen.addAll(items);
            threads.add(Thread.currentThread().getName() + Thread.currentThread().getId());
            return true;
        });
        assertEquals(1000, keys(seen).size());
        assertEquals(1000, scan.items());
        assertEquals(4, threads.size(), "a thread per segment");
        assertTrue(ddb.requests.stream().allMatch(r -> r.totalSegments() == 4 && r.limit() == null), "DynamoDB's own pages");
        assertEquals(0, scan.consumed(), "unpaced: consumed capacity not asked for");
    }

    @Test
    void aLimitHandsOutExactlyThatManyAndAsksForNoMore() throws Exception {
        for (long limit : List.of(1L, 5L, 999L, 1000L, 5000L)) {
            var ddb = new FakeTable(1000, 100, 1);
            List<Map<String, AttributeValue>> seen = Collections.synchronizedList(new ArrayList<>());
            var scan = new TableScan(ddb, table(), 3).limit(limit);
            scan.run(items -> seen.addAll(items));
            assertEquals(Math.min(limit, 1000), keys(seen).size(), "limit " + limit);
            assertTrue(ddb.requests.stream().allMatch(r -> r.limit() != null && r.limit() <= Math.min(limit, TableScan.MAX_PAGE)),
                    "each page asks for what is left, at most a thousand");
        }
    }

    @Test
    void theConsumerCanStopTheScan() throws Exception {
        var ddb = new FakeTable(1000, 10, 1);
        var pages = new AtomicInteger();
        new TableScan(ddb, table(), 1).run(items -> pages.incrementAndGet() < 3);
        assertEquals(3, pages.get());
        assertEquals(3, ddb.calls.get(), "no page asked for after the stop");
    }

    @Test
    void theFirstFailureStopsEverySegmentAndIsThrownAsItWas() {
        var ddb = new FakeTable(100_000, 10, 1);
        ddb.failOnCall = ResourceNotFoundException.builder().message("gone").build();
        ddb.failAt = 20;
        var thrown = assertThrows(ResourceNotFoundException.class, () -> new TableScan(ddb, table(), 4).run(items -> true));
        assertSame(ddb.failOnCall, thrown, "not wrapped");
        int calls = ddb.calls.get();
        assertTrue(calls < 40, "the other segments stopped after their page at hand: " + calls);

        var consumer = new UncheckedIOException(new IOException("Broken pipe"));
        var pipe = assertThrows(UncheckedIOException.class, () -> new TableScan(new FakeTable(1000, 10, 1), table(), 4)
                .run(items -> { throw consumer; }));
        assertSame(consumer, pipe, "a consumer's failure too");
    }

    @Test
    void pagedSegmentsShareOnePaceChargedByWhatEachPageConsumed() throws Exception {
        var clock = new CapacityTest.SimClock();
        var pacer = new Capacity.Pacer(10, clock); // 9.5 read units a second
        var ddb = new FakeTable(2000, 10, 4.0); // 200 pages of 4 units: 800 units
        long start = clock.nanos();
        var scan = new TableScan(ddb, table(), 4).paced(pacer);
        scan.run(items -> true);
        assertEquals(2000, scan.items());
        assertEquals(800, scan.consumed(), 1e-9, "as DynamoDB counted it");
        assertTrue(ddb.requests.stream().allMatch(r -> r.returnConsumedCapacity() != null), "asked for on every page");
        double seconds = (clock.nanos() - start) / 1e9;
        // 800 units at 9.5 a second, less the second in store and the last page's debt: about 80 s, whatever the segments.
        assertTrue(seconds >= (800 - 9.5 - 4 * 4) / 9.5 && seconds <= 800 / 9.5, "paced: " + seconds + " s");
    }

    @Test
    void pacedPagesAreSizedToFitThePace() throws Exception {
        var clock = new CapacityTest.SimClock();
        var pacer = new Capacity.Pacer(10, clock); // 9.5 a second: 2.4 a second for each of 4 segments
        var ddb = new FakeTable(2000, 1000, 400.0); // 0.4 units an item; DynamoDB's own page would cost 400
        var scan = new TableScan(ddb, table(), 4).paced(pacer).itemBytes(3277); // 0.4 units an item, eventually
        scan.run(items -> true);
        assertEquals(2000, scan.items());
        assertEquals(800, scan.consumed(), 1e-6);
        assertTrue(ddb.requests.stream().allMatch(r -> r.limit() != null && r.limit() <= 6),
                "pages of at most 6 items (2.4 units): " + ddb.requests.stream().map(ScanRequest::limit).toList());
        var unpaced = new FakeTable(2000, 1000, 400.0);
        new TableScan(unpaced, table(), 4).run(items -> true);
        assertTrue(unpaced.requests.stream().allMatch(r -> r.limit() == null), "unpaced: DynamoDB's own pages");
    }

    @Test
    void aRefusedReadSlowsThePaceAndIsReadAgainNothingLost() throws Exception {
        var clock = new CapacityTest.SimClock();
        var pacer = new Capacity.Pacer(100, clock);
        var ddb = new FakeTable(600, 10, 1.0);
        ddb.refuseEvery = 7;
        ddb.refusals = 3;
        var scan = new TableScan(ddb, table(), 2).paced(pacer);
        List<Map<String, AttributeValue>> seen = Collections.synchronizedList(new ArrayList<>());
        scan.run(items -> seen.addAll(items));
        assertEquals(600, keys(seen).size(), "every item once");
        assertEquals(3, scan.refusedReads());
        assertTrue(pacer.rate() < 95, "the pace came down: " + pacer.rate());

        var learner = new Capacity.Pacer(Capacity.Ceilings.UNKNOWN, clock);
        var hidden = new FakeTable(600, 10, 1.0);
        hidden.refuseEvery = 5;
        hidden.refusals = 1;
        var learned = new TableScan(hidden, table(), 2).paced(learner);
        learned.run(items -> true);
        assertEquals(600, learned.items());
        assertTrue(learner.paced(), "a refused read starts the learning");
    }

    @Test
    void asAnIteratorForAPullingConsumer() {
        var ddb = new FakeTable(5000, 100, 1);
        Iterator<Map<String, AttributeValue>> it = new TableScan(ddb, table(), 4).iterator();
        List<Map<String, AttributeValue>> seen = new ArrayList<>();
        it.forEachRemaining(seen::add);
        assertEquals(5000, keys(seen).size());

        var failing = new FakeTable(5000, 100, 1);
        failing.failOnCall = ResourceNotFoundException.builder().message("gone").build();
        failing.failAt = 7;
        Iterator<Map<String, AttributeValue>> broken = new TableScan(failing, table(), 2).iterator();
        var thrown = assertThrows(ResourceNotFoundException.class, () -> broken.forEachRemaining(item -> {}));
        assertSame(failing.failOnCall, thrown);
    }
}
