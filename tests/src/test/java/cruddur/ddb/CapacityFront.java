package cruddur.ddb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A front before DynamoDB Local that behaves like a DynamoDB table with real capacity, in one of four billing modes:
 * <ul>
 * <li>{@link #provisioned}: DescribeTable reports the RCU and WCU; beyond them, ProvisionedThroughputExceededException.
 * <li>{@link #onDemand(String)}: DescribeTable reports PAY_PER_REQUEST; nothing is enforced.
 * <li>{@link #onDemand(String, int, int)}: on demand with an OnDemandThroughput maximum, reported and enforced
 *     (ThrottlingException, reason ...MaxOnDemandThroughputExceeded).
 * <li>{@link #hidden}: DescribeTable says on demand and nothing more, yet a limit is enforced all the same, as a hot
 *     partition is (ThrottlingException, reason ...KeyRangeThroughputExceeded).
 * </ul>
 * Each table (and each of its indexes) behind the front gets its own token buckets of those units per second with
 * one second of burst. DynamoDB's rules, as its developer guide states them ("DynamoDB item sizes and formats",
 * "read and write operations"):
 * <ul>
 * <li>Reads (GetItem, BatchGetItem, Query, Scan) are admitted while the bucket is not in debt (tokens &gt; 0) and pay
 *     their consumed units after, so a big page can overdraw it and whoever reads next is throttled. A read costs
 *     one unit per started 4 KB, half of that when eventually consistent (a GSI always is). GetItem and BatchGetItem
 *     round each item (a missing one costs as a 4 KB one); Query and Scan add up the items they evaluated (before
 *     the filter; the projection does not matter) and round the sum. A BatchGetItem hands a table in debt back as
 *     UnprocessedKeys, and is refused when every table it reads is in debt.
 * <li>BatchWriteItem takes the writes that fit, in order (one unit per started 1 KB of a put item; a delete costs
 *     one unit, the front not knowing the deleted item's size), and hands the rest back as UnprocessedItems; when
 *     not even one fits, the call is refused.
 * <li>ConsumedCapacity is answered when ReturnConsumedCapacity asks (TOTAL or INDEXES), equal to what was charged.
 * </ul>
 * Not metered: single-item writes (PutItem, UpdateItem, DeleteItem), transactions, and the writes a GSI takes when
 * its table is written. DescribeTable's ARNs name a real region (the caller's) and account 123456789012.
 * Calls by {@link AppClient} are metered apart ({@link #appReads}), so a test can tell the tool's share from the app's.
 */
public final class CapacityFront extends FaultProxy {
    /** The billing mode DescribeTable reports, and the error a refused call gets. */
    public enum Billing { PROVISIONED, ON_DEMAND, ON_DEMAND_WITH_MAXIMUM, HIDDEN_LIMIT }

    /** Units per second that mean no bucket at all. */
    public static final int UNLIMITED = 0;
    /** The read capacity {@link FaultProxy#capacity} reports for its unmetered reads: AWS's default per-table quota. */
    public static final int UNMETERED = 40_000;
    static final String ACCOUNT = "123456789012";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("[#:][A-Za-z0-9_]+");
    private static final Pattern REGION = Pattern.compile("Credential=[^/]+/[^/]+/([^/]+)/");

    private final Billing billing;
    private final int rcu;
    private final int wcu;
    private final Map<String, int[]> indexUnits = new HashMap<>();
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Meter reads = new Meter();
    private final Meter appReads = new Meter();

    private CapacityFront(String upstream, Billing billing, int rcu, int wcu) throws IOException {
        super(upstream, List.of());
        this.billing = billing;
        this.rcu = rcu;
        this.wcu = wcu;
    }

    /** A table provisioned with rcu read and wcu write capacity units (each at least 1). */
    public static CapacityFront provisioned(String upstream, int rcu, int wcu) throws IOException {
        if (rcu < 1 || wcu < 1) throw new IllegalArgumentException("a provisioned table has at least 1 RCU and 1 WCU");
        return new CapacityFront(upstream, Billing.PROVISIONED, rcu, wcu);
    }

    /** An on-demand table with no maximum: nothing is enforced (DynamoDB Local's own behaviour, described as AWS does). */
    public static CapacityFront onDemand(String upstream) throws IOException {
        return new CapacityFront(upstream, Billing.ON_DEMAND, UNLIMITED, UNLIMITED);
    }

    /** An on-demand table with OnDemandThroughput maximums (request units per second; {@link #UNLIMITED} for none). */
    public static CapacityFront onDemand(String upstream, int maxReadRequestUnits, int maxWriteRequestUnits) throws IOException {
        return new CapacityFront(upstream, Billing.ON_DEMAND_WITH_MAXIMUM, maxReadRequestUnits, maxWriteRequestUnits);
    }

    /** An on-demand table as DescribeTable tells it, that accepts only rcu / wcu units per second ({@link #UNLIMITED}: any). */
    public static CapacityFront hidden(String upstream, int rcu, int wcu) throws IOException {
        return new CapacityFront(upstream, Billing.HIDDEN_LIMIT, rcu, wcu);
    }

    /**
     * Gives the index its own units (reported and enforced as the table's are); by default an index has the table's.
     * Call it before the first request.
     */
    public CapacityFront index(String indexName, int indexRcu, int indexWcu) {
        indexUnits.put(indexName, new int[] {indexRcu, indexWcu});
        return this;
    }

    public Billing billing() {
        return billing;
    }

    /** Reads by everyone but the {@link AppClient}: calls, refused calls, units consumed. */
    public Meter reads() {
        return reads;
    }

    /** Reads by the {@link AppClient}s (known by their User-Agent). */
    public Meter appReads() {
        return appReads;
    }

    /** Writes (BatchWriteItem): calls, calls refused in whole or in part, units accepted. */
    public Meter writes() {
        return writes;
    }

    @Override
    public String report() {
        return String.format("%s %s RCU / %s WCU: reads %s; app reads %s; writes %s", billing, units(rcu), units(wcu), reads,
                appReads, writes);
    }

    private static String units(int n) {
        return n == UNLIMITED ? "unlimited" : String.valueOf(n);
    }

    // ---- what a caller sees of the buckets ----------------------------------------------------------------

    /**
     * Calls, refused calls and consumed units of one kind (reads or writes), and when: units per second over the run
     * (from the first call to the last charge) and the most units charged in any one second.
     */
    public static final class Meter {
        public final AtomicInteger calls = new AtomicInteger();
        public final AtomicInteger throttled = new AtomicInteger();
        private double units;
        private long first;
        private long last;
        private final TreeMap<Long, Double> bySecond = new TreeMap<>();

        synchronized void call(long now) {
            calls.incrementAndGet();
            if (first == 0) first = now;
        }

        synchronized void charge(double charged, long now) {
            units += charged;
            last = now;
            bySecond.merge((now - first) / 1_000_000_000L, charged, Double::sum);
        }

        public synchronized double units() {
            return units;
        }

        /** Units per second from the first call to the last charge. */
        public synchronized double unitsPerSecond() {
            return units / Math.max(0.001, (last - first) / 1e9);
        }

        /** The most units charged within one whole second counted from the first call. */
        public synchronized double peakUnitsPerSecond() {
            return bySecond.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        /** Seconds from the first call to the last charge. */
        public synchronized double seconds() {
            return Math.max(0, (last - first) / 1e9);
        }

        @Override
        public synchronized String toString() {
            return String.format("%d calls, %d throttled, %.1f units at %.1f units/s (peak %.1f in a second)", calls.get(),
                    throttled.get(), units, unitsPerSecond(), peakUnitsPerSecond());
        }
    }

    /** N units per second with one second of burst; reads may leave it in debt, writes only take what is there. */
    static final class Bucket {
        final int rate;
        private double tokens;
        private long refilled = System.nanoTime();

        Bucket(int rate) {
            this.rate = rate;
            this.tokens = rate;
        }

        private void refill(long now) {
            if (now <= refilled) return; // a caller's clock read before the bucket was made, or before another's
            tokens = Math.min(rate, tokens + (now - refilled) / 1e9 * rate);
            refilled = now;
        }

        synchronized boolean inDebt(long now) {
            refill(now);
            return tokens <= 0;
        }

        synchronized void pay(double units, long now) {
            refill(now);
            tokens -= units;
        }

        synchronized boolean take(double units, long now) {
            refill(now);
            if (tokens < units) return false;
            tokens -= units;
            return true;
        }
    }

    /** The bucket of reads ('r') or writes ('w') of a table or of one of its indexes; null when unlimited. */
    private synchronized Bucket bucket(char kind, String table, String index) {
        int[] own = index == null ? null : indexUnits.get(index);
        int rate = kind == 'r' ? (own == null ? rcu : own[0]) : (own == null ? wcu : own[1]);
        if (rate == UNLIMITED || billing == Billing.ON_DEMAND) return null;
        return buckets.computeIfAbsent(kind + table + (index == null ? "" : "/index/" + index), k -> new Bucket(rate));
    }

    // ---- the calls the front answers itself ------------------------------------------------------------------

    @Override
    boolean intercept(HttpExchange ex, String operation, byte[] body) throws IOException, InterruptedException {
        switch (operation) {
            case "DescribeTable" -> describeTable(ex, body);
            case "GetItem", "Query", "Scan" -> read(ex, operation, body);
            case "BatchGetItem" -> batchGet(ex, body);
            case "BatchWriteItem" -> batchWrite(ex, body);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void describeTable(HttpExchange ex, byte[] body) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = forward(ex, body);
        ObjectNode parsed = (ObjectNode) JSON.readTree(response.body());
        if (parsed.get("Table") instanceof ObjectNode t) {
            String region = region(ex);
            t.put("TableArn", realArn(t.path("TableArn").asText(), region));
            describe(t, null);
            for (JsonNode index : t.path("GlobalSecondaryIndexes")) {
                ObjectNode i = (ObjectNode) index;
                i.put("IndexArn", realArn(i.path("IndexArn").asText(), region));
                describe(i, i.path("IndexName").asText());
            }
        }
        respond(ex, response.statusCode(), JSON.writeValueAsString(parsed));
    }

    /** The capacity part of a table's or an index's description, as AWS reports it in this billing mode. */
    private void describe(ObjectNode node, String index) {
        int[] own = index == null ? null : indexUnits.get(index);
        int r = own == null ? rcu : own[0];
        int w = own == null ? wcu : own[1];
        boolean provisioned = billing == Billing.PROVISIONED;
        ObjectNode throughput = node.putObject("ProvisionedThroughput");
        throughput.put("NumberOfDecreasesToday", 0);
        throughput.put("ReadCapacityUnits", provisioned ? r : 0);
        throughput.put("WriteCapacityUnits", provisioned ? w : 0);
        node.remove("OnDemandThroughput");
        if (index == null) {
            if (provisioned) node.remove("BillingModeSummary");
            else node.putObject("BillingModeSummary").put("BillingMode", "PAY_PER_REQUEST");
        }
        if (billing == Billing.ON_DEMAND_WITH_MAXIMUM) {
            ObjectNode max = node.putObject("OnDemandThroughput");
            max.put("MaxReadRequestUnits", r == UNLIMITED ? -1 : r);
            max.put("MaxWriteRequestUnits", w == UNLIMITED ? -1 : w);
        }
    }

    private static String realArn(String arn, String region) {
        return arn.replace(":ddblocal:000000000000:", ":" + region + ":" + ACCOUNT + ":");
    }

    /** The caller's region, from its signature's credential scope (us-east-1 when it has none). */
    private static String region(HttpExchange ex) {
        Matcher m = REGION.matcher(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        return m.find() ? m.group(1) : "us-east-1";
    }

    private boolean fromApp(HttpExchange ex) {
        return String.valueOf(ex.getRequestHeaders().getFirst("User-Agent")).contains(AppClient.USER_AGENT);
    }

    /** GetItem, Query, Scan: admitted unless the bucket is in debt, charged after with what it read. */
    private void read(HttpExchange ex, String operation, byte[] body) throws IOException, InterruptedException {
        ObjectNode request = (ObjectNode) JSON.readTree(body);
        String table = request.path("TableName").asText();
        String index = request.hasNonNull("IndexName") ? request.get("IndexName").asText() : null;
        Meter meter = fromApp(ex) ? appReads : reads;
        long now = System.nanoTime();
        meter.call(now);
        Bucket bucket = bucket('r', table, index);
        if (bucket != null && bucket.inDebt(now)) {
            meter.throttled.incrementAndGet();
            refuse(ex, 'r', table, index);
            return;
        }
        HttpResponse<byte[]> response = forward(ex, body);
        if (response.statusCode() != 200) {
            respond(ex, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            return;
        }
        ObjectNode answer = (ObjectNode) JSON.readTree(response.body());
        boolean eventual = index != null || !request.path("ConsistentRead").asBoolean(false);
        double units;
        if (operation.equals("GetItem")) {
            JsonNode item = readsWhole(request) ? answer.get("Item") : shadow(ex, request).get("Item");
            units = readUnits(item == null ? 0 : size(item), eventual);
        } else {
            JsonNode items = readsWhole(request) ? answer.path("Items") : shadow(ex, request).path("Items");
            long total = 0;
            for (JsonNode item : items) total += size(item);
            units = readUnits(total, eventual);
        }
        long charged = System.nanoTime();
        if (bucket != null) bucket.pay(units, charged);
        meter.charge(units, charged);
        consumed(request, answer, table, index, units);
        respond(ex, 200, JSON.writeValueAsString(answer));
    }

    /** Whether the answer holds every attribute of every item the read evaluated (else a shadow read finds them). */
    private static boolean readsWhole(ObjectNode request) {
        return !request.has("ProjectionExpression") && !request.has("AttributesToGet") && !request.has("FilterExpression")
                && !request.has("ScanFilter") && !request.has("QueryFilter")
                && (!request.has("Select") || request.get("Select").asText().startsWith("ALL_"));
    }

    /**
     * The same read without filter or projection, so that its items are the ones the read evaluated, whole: Limit,
     * ExclusiveStartKey, segment and key condition stay, so the page is the same one.
     */
    private JsonNode shadow(HttpExchange ex, ObjectNode request) throws IOException, InterruptedException {
        ObjectNode whole = wholeRead(request);
        HttpResponse<byte[]> response = forward(ex, JSON.writeValueAsBytes(whole));
        if (response.statusCode() != 200) throw new IOException("shadow read failed: " + new String(response.body(), StandardCharsets.UTF_8));
        return JSON.readTree(response.body());
    }

    /** A read request (or a BatchGetItem's KeysAndAttributes) without what narrows the attributes or the items returned. */
    private static ObjectNode wholeRead(ObjectNode request) {
        ObjectNode whole = request.deepCopy();
        whole.remove(List.of("ProjectionExpression", "AttributesToGet", "FilterExpression", "ScanFilter", "QueryFilter",
                "ConditionalOperator", "Select", "ReturnConsumedCapacity"));
        // Names and values only the removed expressions used would now be refused as unused.
        String used = whole.path("KeyConditionExpression").asText("");
        Matcher m = PLACEHOLDER.matcher(used);
        List<String> placeholders = new ArrayList<>();
        while (m.find()) placeholders.add(m.group());
        for (String field : List.of("ExpressionAttributeNames", "ExpressionAttributeValues")) {
            if (!(whole.get(field) instanceof ObjectNode map)) continue;
            map.retain(placeholders);
            if (map.isEmpty()) whole.remove(field);
        }
        return whole;
    }

    /** BatchGetItem: tables in debt are handed back as UnprocessedKeys; each item is rounded on its own. */
    private void batchGet(HttpExchange ex, byte[] body) throws IOException, InterruptedException {
        ObjectNode request = (ObjectNode) JSON.readTree(body);
        ObjectNode requestItems = (ObjectNode) request.get("RequestItems");
        Meter meter = fromApp(ex) ? appReads : reads;
        long now = System.nanoTime();
        meter.call(now);
        ObjectNode unprocessed = JSON.createObjectNode();
        for (Iterator<String> it = requestItems.fieldNames(); it.hasNext(); ) {
            String table = it.next();
            Bucket bucket = bucket('r', table, null);
            if (bucket != null && bucket.inDebt(now)) unprocessed.set(table, requestItems.get(table));
        }
        if (!unprocessed.isEmpty()) meter.throttled.incrementAndGet();
        if (unprocessed.size() == requestItems.size()) {
            refuse(ex, 'r', requestItems.fieldNames().next(), null);
            return;
        }
        unprocessed.fieldNames().forEachRemaining(requestItems::remove);
        HttpResponse<byte[]> response = forward(ex, JSON.writeValueAsBytes(request));
        if (response.statusCode() != 200) {
            respond(ex, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            return;
        }
        ObjectNode answer = (ObjectNode) JSON.readTree(response.body());
        ObjectNode found = (ObjectNode) answer.path("Responses");
        boolean whole = true;
        for (JsonNode keys : requestItems) whole &= readsWhole((ObjectNode) keys);
        if (!whole) {
            ObjectNode wholeRequest = request.deepCopy();
            ObjectNode items = (ObjectNode) wholeRequest.get("RequestItems");
            items.fieldNames().forEachRemaining(t -> items.set(t, wholeRead((ObjectNode) items.get(t))));
            wholeRequest.remove("ReturnConsumedCapacity");
            HttpResponse<byte[]> shadow = forward(ex, JSON.writeValueAsBytes(wholeRequest));
            found = (ObjectNode) JSON.readTree(shadow.body()).path("Responses");
        }
        ArrayNode consumed = JSON.createArrayNode();
        double all = 0;
        long charged = System.nanoTime();
        for (Iterator<String> it = requestItems.fieldNames(); it.hasNext(); ) {
            String table = it.next();
            JsonNode keys = requestItems.get(table);
            boolean eventual = !keys.path("ConsistentRead").asBoolean(false);
            double units = 0;
            int present = 0;
            for (JsonNode item : found.path(table)) {
                units += readUnits(size(item), eventual);
                present++;
            }
            units += (keys.path("Keys").size() - present) * readUnits(0, eventual);
            Bucket bucket = bucket('r', table, null);
            if (bucket != null) bucket.pay(units, charged);
            all += units;
            consumed.add(capacity(request, table, null, units));
        }
        meter.charge(all, charged);
        mergeUnprocessed(answer, "UnprocessedKeys", unprocessed);
        if (asked(request)) answer.set("ConsumedCapacity", consumed);
        else answer.remove("ConsumedCapacity");
        respond(ex, 200, JSON.writeValueAsString(answer));
    }

    /** BatchWriteItem: each table takes the writes its bucket pays for, in order, and hands the rest back. */
    private void batchWrite(HttpExchange ex, byte[] body) throws IOException, InterruptedException {
        ObjectNode request = (ObjectNode) JSON.readTree(body);
        ObjectNode requestItems = (ObjectNode) request.get("RequestItems");
        long now = System.nanoTime();
        writes.call(now);
        ObjectNode refused = JSON.createObjectNode();
        Map<String, Double> accepted = new java.util.LinkedHashMap<>();
        for (Iterator<String> it = requestItems.fieldNames(); it.hasNext(); ) {
            String table = it.next();
            Bucket bucket = bucket('w', table, null);
            ArrayNode taken = JSON.createArrayNode();
            ArrayNode left = JSON.createArrayNode();
            double units = 0;
            for (JsonNode w : requestItems.get(table)) {
                double cost = w.has("PutRequest") ? writeUnits(size(w.get("PutRequest").get("Item"))) : 1;
                if (left.isEmpty() && (bucket == null || bucket.take(cost, now))) {
                    taken.add(w);
                    units += cost;
                } else {
                    left.add(w);
                }
            }
            if (!left.isEmpty()) refused.set(table, left);
            if (!taken.isEmpty()) accepted.put(table, units);
            requestItems.set(table, taken);
        }
        if (!refused.isEmpty()) writes.throttled.incrementAndGet();
        if (accepted.isEmpty()) {
            refuse(ex, 'w', refused.fieldNames().next(), null);
            return;
        }
        refused.fieldNames().forEachRemaining(t -> {
            if (!accepted.containsKey(t)) requestItems.remove(t);
        });
        HttpResponse<byte[]> response = forward(ex, JSON.writeValueAsBytes(request));
        if (response.statusCode() != 200) {
            respond(ex, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            return;
        }
        writes.charge(accepted.values().stream().mapToDouble(Double::doubleValue).sum(), now);
        ObjectNode answer = (ObjectNode) JSON.readTree(response.body());
        mergeUnprocessed(answer, "UnprocessedItems", refused);
        ArrayNode consumed = JSON.createArrayNode();
        accepted.forEach((table, units) -> consumed.add(capacity(request, table, null, units)));
        if (asked(request)) answer.set("ConsumedCapacity", consumed);
        else answer.remove("ConsumedCapacity");
        respond(ex, 200, JSON.writeValueAsString(answer));
    }

    private static void mergeUnprocessed(ObjectNode answer, String field, ObjectNode handedBack) {
        if (handedBack.isEmpty()) return;
        ObjectNode all = answer.get(field) instanceof ObjectNode o ? o : answer.putObject(field);
        handedBack.fields().forEachRemaining(e -> {
            if (all.get(e.getKey()) instanceof ArrayNode upstream && e.getValue() instanceof ArrayNode mine) mine.addAll(upstream);
            all.set(e.getKey(), e.getValue());
        });
    }

    // ---- refusals and ConsumedCapacity --------------------------------------------------------------------

    /** The error DynamoDB gives a call beyond the capacity, in this billing mode, with its ThrottlingReasons. */
    private void refuse(HttpExchange ex, char kind, String table, String index) throws IOException {
        String operation = kind == 'r' ? "Read" : "Write";
        String resource = "arn:aws:dynamodb:" + region(ex) + ":" + ACCOUNT + ":table/" + table + (index == null ? "" : "/index/" + index);
        String type;
        String message;
        String limit;
        switch (billing) {
            case PROVISIONED -> {
                type = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException";
                message = "The level of configured provisioned throughput for the table was exceeded. "
                        + "Consider increasing your provisioning level with the UpdateTable API.";
                limit = "ProvisionedThroughputExceeded";
            }
            case ON_DEMAND_WITH_MAXIMUM -> {
                type = "com.amazonaws.dynamodb.v20120810#ThrottlingException";
                message = "Throughput exceeds the maximum OnDemandThroughput configured on table or index.";
                limit = "MaxOnDemandThroughputExceeded";
            }
            default -> {
                type = "com.amazonaws.dynamodb.v20120810#ThrottlingException";
                message = "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your "
                        + "table or index so please try again shortly. If exceptions persist, check if you have a hot key: "
                        + "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html";
                limit = "KeyRangeThroughputExceeded";
            }
        }
        ObjectNode error = JSON.createObjectNode().put("__type", type).put("message", message);
        error.putArray("ThrottlingReasons").addObject()
                .put("reason", (index == null ? "Table" : "Index") + operation + limit).put("resource", resource);
        respond(ex, 400, JSON.writeValueAsString(error));
    }

    private static boolean asked(ObjectNode request) {
        String mode = request.path("ReturnConsumedCapacity").asText("NONE");
        return mode.equals("TOTAL") || mode.equals("INDEXES");
    }

    /** Sets (or removes) a single read's ConsumedCapacity: what the request asked for, of what was charged. */
    private static void consumed(ObjectNode request, ObjectNode answer, String table, String index, double units) {
        if (asked(request)) answer.set("ConsumedCapacity", capacity(request, table, index, units));
        else answer.remove("ConsumedCapacity");
    }

    /** ConsumedCapacity as DynamoDB shapes it: TOTAL gives the table and the units; INDEXES splits table and index. */
    private static ObjectNode capacity(ObjectNode request, String table, String index, double units) {
        ObjectNode c = JSON.createObjectNode().put("TableName", table).put("CapacityUnits", units);
        if (request.path("ReturnConsumedCapacity").asText().equals("INDEXES")) {
            c.putObject("Table").put("CapacityUnits", index == null ? units : 0.0);
            if (index != null) c.putObject("GlobalSecondaryIndexes").putObject(index).put("CapacityUnits", units);
        }
        return c;
    }

    // ---- DynamoDB's arithmetic ------------------------------------------------------------------------------

    /** Read units for `bytes` read as one operation: a unit per started 4 KB (at least one), half when eventual. */
    static double readUnits(long bytes, boolean eventuallyConsistent) {
        long units = Math.max(1, (bytes + 4095) / 4096);
        return eventuallyConsistent ? units / 2.0 : units;
    }

    /** Write units for an item of `bytes`: a unit per started 1 KB, at least one. */
    static double writeUnits(long bytes) {
        return Math.max(1, (bytes + 1023) / 1024);
    }

    /** An item's size as DynamoDB counts it: each attribute's name (UTF-8 bytes) plus its value. */
    static long size(JsonNode item) {
        long n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            var e = it.next();
            n += utf8(e.getKey()) + valueSize(e.getValue());
        }
        return n;
    }

    /**
     * A typed value's size: strings their UTF-8 bytes; numbers 1 byte per two significant digits plus 1; binary its raw
     * bytes; null and booleans 1; sets the sum of their elements; lists and maps 3 bytes plus, per element, 1 byte
     * and its size (and a map's key name).
     */
    static long valueSize(JsonNode typed) {
        var e = typed.fields().next();
        JsonNode v = e.getValue();
        return switch (e.getKey()) {
            case "S" -> utf8(v.asText());
            case "N" -> numberSize(v.asText());
            case "B" -> Base64.getDecoder().decode(v.asText()).length;
            case "BOOL", "NULL" -> 1;
            case "SS" -> sum(v, x -> utf8(x.asText()));
            case "NS" -> sum(v, x -> numberSize(x.asText()));
            case "BS" -> sum(v, x -> Base64.getDecoder().decode(x.asText()).length);
            case "L" -> 3 + sum(v, x -> 1 + valueSize(x));
            case "M" -> {
                long n = 3;
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    var f = it.next();
                    n += 1 + utf8(f.getKey()) + valueSize(f.getValue());
                }
                yield n;
            }
            default -> throw new IllegalArgumentException("not a DynamoDB type: " + e.getKey());
        };
    }

    static long numberSize(String number) {
        BigDecimal n = new BigDecimal(number).stripTrailingZeros();
        int digits = n.signum() == 0 ? 1 : n.precision();
        return (digits + 1) / 2 + 1;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static long sum(JsonNode array, java.util.function.ToLongFunction<JsonNode> size) {
        long n = 0;
        for (JsonNode x : array) n += size.applyAsLong(x);
        return n;
    }
}
