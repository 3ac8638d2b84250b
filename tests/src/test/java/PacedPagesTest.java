import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** lib/Capacity.java's paced page step on Query pages (seed's stale-item reads): sized to the pace, refusals read again. */
class PacedPagesTest {
    /**
     * Partitions of items of `bytes` bytes each (partition ":pk" holds Integer.parseInt(pk) items), charged as
     * DynamoDB charges a Query: half a unit a started 4 KB.
     */
    static final class FakePartitions implements DynamoDbClient {
        final long bytes;
        final List<QueryRequest> requests = Collections.synchronizedList(new ArrayList<>());
        final List<Double> charged = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger calls = new AtomicInteger();
        /** Calls refused as throttled: every `refuseEvery`th call (0: none), until `refusals` of them. */
        int refuseEvery, refusals;
        final AtomicInteger refused = new AtomicInteger();

        FakePartitions(long bytes) {
            this.bytes = bytes;
        }

        @Override public QueryResponse query(QueryRequest r) {
            requests.add(r);
            int call = calls.incrementAndGet();
            if (refuseEvery > 0 && call % refuseEvery == 0 && refused.incrementAndGet() <= refusals) {
                throw ProvisionedThroughputExceededException.builder().statusCode(400).message("slow down")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                                .build()).build();
            }
            int items = Integer.parseInt(r.expressionAttributeValues().get(":pk").s());
            int from = r.exclusiveStartKey() == null || r.exclusiveStartKey().isEmpty() ? 0
                    : Integer.parseInt(r.exclusiveStartKey().get("sk").s()) + 1;
            int size = (int) Math.min(r.limit() != null ? r.limit() : Integer.MAX_VALUE, (1 << 20) / bytes);
            int to = Math.min(items, from + size);
            List<Map<String, AttributeValue>> out = new ArrayList<>();
            for (int k = from; k < to; k++) out.add(Map.of("pk", AttributeValue.fromS("p"), "sk", AttributeValue.fromS(String.valueOf(k))));
            double units = Math.max(1, ((to - from) * bytes + 4095) / 4096) / 2.0;
            charged.add(units);
            var response = QueryResponse.builder().items(out).count(out.size()).scannedCount(out.size())
                    .consumedCapacity(ConsumedCapacity.builder().capacityUnits(units).build());
            if (to < items) response.lastEvaluatedKey(out.get(out.size() - 1));
            return response.build();
        }

        @Override public String serviceName() { return "dynamodb"; }

        @Override public void close() {}
    }

    /** Every item of partition `items` (it holds that many), page by page through `pages`; each key once. */
    static Set<String> readAll(Capacity.PacedPages pages, DynamoDbClient ddb, int items) throws InterruptedException {
        Set<String> keys = new HashSet<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = pages.query(ddb, QueryRequest.builder().tableName("t").exclusiveStartKey(start)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(String.valueOf(items)))), null);
            for (var item : page.items()) assertTrue(keys.add(item.get("sk").s()), "once only: " + item);
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return keys;
    }

    @Test
    void pagesGrowFromAHintThatWasTooBigToWhatTheSmallestChargeHolds() throws Exception {
        // 1.9 units a second over 8 readers: each page may cost the smallest charge, half a unit, at most. 300 items
        // of 350 bytes fit 28 such pages (11 items, 3.8 KB, each): 14 units. Small partitions read first (a user's
        // two conversations, as seed reads them) say little of an item's cost: their pages are not full.
        var clock = new CapacityTest.SimClock();
        var pages = new Capacity.PacedPages(new Capacity.Pacer(2, clock), 8, false);
        var ddb = new FakePartitions(350);
        for (int p = 0; p < 10; p++) assertEquals(2, readAll(pages, ddb, 2).size());
        double small = pages.consumed();
        int before = ddb.requests.size();
        assertEquals(300, readAll(pages, ddb, 300).size());
        assertTrue(ddb.requests.stream().allMatch(r -> r.limit() != null && r.returnConsumedCapacity() != null
                && r.overrideConfiguration().isPresent()), "sized, charged by what they consumed, throttling its own");
        double big = pages.consumed() - small;
        var limits = ddb.requests.subList(before, ddb.requests.size()).stream().map(QueryRequest::limit).toList();
        // Measured: 16 units in 31 pages; with every page in one average, 20 units in 36 pages of 4 growing to 12.
        assertTrue(big <= 18, "close to 14 units: " + big + " units in " + limits.size() + " pages " + limits);
        assertEquals(pages.consumed(), ddb.charged.stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    }

    @Test
    void aRefusedPageSlowsThePaceAndIsReadAgainNothingLost() throws Exception {
        var clock = new CapacityTest.SimClock();
        var pacer = new Capacity.Pacer(100, clock);
        var pages = new Capacity.PacedPages(pacer, 1, false);
        var ddb = new FakePartitions(350);
        ddb.refuseEvery = 2; // pages of 1,000 items (95 units): 3 pages, the 2nd and 3rd refused once each
        ddb.refusals = 2;
        assertEquals(3000, readAll(pages, ddb, 3000).size(), "every item once");
        assertEquals(2, pages.refused());
        assertTrue(pacer.rate() < 95, "the pace came down: " + pacer.rate());

        var unpaced = new Capacity.PacedPages(Capacity.Pacer.unpaced(), 8, false);
        var local = new FakePartitions(350);
        assertEquals(3000, readAll(unpaced, local, 3000).size());
        assertTrue(local.requests.stream().allMatch(r -> r.limit() == null), "unpaced: DynamoDB's own pages");
        assertEquals(2, local.requests.size(), "1 MB pages: no call more than the reads need");
    }
}
