package cruddur.ddb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * An HTTP proxy between the scripts and DynamoDB Local that answers every n-th call of an operation
 * with a fault: throttling errors, UnprocessedItems, a dropped connection, or a delay.
 *
 * It is also the forwarding half of {@link CapacityFront}, the front that behaves like a table with real capacity
 * (provisioned, on demand, on demand with a maximum, or a limit it does not announce): that class answers the calls
 * it meters through {@link #intercept}; everything else goes the way of this class. {@link #capacity} is the short
 * form of a provisioned front with N write units. bench/run uses the same fronts (it pulls these files in with
 * //SOURCES), hence public.
 */
public class FaultProxy implements AutoCloseable {
    /** EMPTY_PAGE: a GetRecords page without records whose next iterator is the same, as AWS may answer before more records. */
    enum Fault { PROVISIONED_THROUGHPUT_EXCEEDED, THROTTLING, UNPROCESSED_ITEMS, DROP_CONNECTION, DELAY, EMPTY_PAGE }

    /** Every n-th call of the operation, at most `times` times (the first `times` calls, with everyNth 1). */
    record Rule(String operation, Fault fault, int everyNth, int times) {
        Rule(String operation, Fault fault, int everyNth) {
            this(operation, fault, everyNth, Integer.MAX_VALUE);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect",
            "transfer-encoding", "upgrade");

    private final HttpServer server;
    private final String upstream;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Rule> rules;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Map<Fault, AtomicInteger> injected = new ConcurrentHashMap<>();

    /** What a capacity front let through of the writes (nothing counts here on a plain fault proxy). */
    final CapacityFront.Meter writes = new CapacityFront.Meter();
    /** The write meter's calls and refused calls, under the names the callers of {@link #capacity} know. */
    public final AtomicInteger writeCalls = writes.calls;
    public final AtomicInteger throttledCalls = writes.throttled;

    FaultProxy(String upstream, List<Rule> rules) throws IOException {
        this.upstream = upstream;
        this.rules = rules;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int calls(String operation) {
        return calls.getOrDefault(operation, new AtomicInteger()).get();
    }

    int injected(Fault fault) {
        return injected.getOrDefault(fault, new AtomicInteger()).get();
    }

    /** A front that behaves like a table provisioned with `wcu` write capacity units (reads unmetered). */
    public static CapacityFront capacity(String upstream, int wcu) throws IOException {
        return CapacityFront.provisioned(upstream, CapacityFront.UNMETERED, wcu);
    }

    public String report() {
        return "calls " + calls + ", faults injected " + injected;
    }

    /** Write units accepted per second, from the first write call to the last accepted write (capacity fronts). */
    public double unitsPerSecond() {
        return writes.unitsPerSecond();
    }

    /**
     * A subclass's chance to answer a call itself (no fault was drawn for it): true when it did. The capacity
     * front meters reads and writes here and rewrites DescribeTable.
     */
    boolean intercept(HttpExchange ex, String operation, byte[] body) throws IOException, InterruptedException {
        return false;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            String target = String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Target"));
            String operation = target.substring(target.indexOf('.') + 1);
            int n = calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            Fault fault = null;
            for (Rule r : rules) {
                if (r.operation().equals(operation) && n % r.everyNth() == 0 && n / r.everyNth() <= r.times()) fault = r.fault();
            }
            if (fault != null) injected.computeIfAbsent(fault, k -> new AtomicInteger()).incrementAndGet();
            if (fault == null && intercept(ex, operation, body)) return;
            if (fault == Fault.PROVISIONED_THROUGHPUT_EXCEEDED) {
                error(ex, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                        "The level of configured provisioned throughput for the table was exceeded.");
                return;
            }
            if (fault == Fault.THROTTLING) {
                error(ex, "com.amazon.coral.availability#ThrottlingException", "Rate of requests exceeds the allowed throughput.");
                return;
            }
            if (fault == Fault.EMPTY_PAGE) {
                String iterator = JSON.readTree(body).path("ShardIterator").asText();
                respond(ex, 200, JSON.writeValueAsString(Map.of("Records", List.of(), "NextShardIterator", iterator)));
                return;
            }
            if (fault == Fault.DELAY) sleep(300);
            ArrayNode heldBack = null;
            String table = null;
            if (fault == Fault.UNPROCESSED_ITEMS) {
                // Forward only the first half of the writes; hand the rest back as UnprocessedItems.
                ObjectNode request = (ObjectNode) JSON.readTree(body);
                ObjectNode items = (ObjectNode) request.get("RequestItems");
                table = items.fieldNames().next();
                ArrayNode writes = (ArrayNode) items.get(table);
                heldBack = JSON.createArrayNode();
                int keep = writes.size() / 2;
                Iterator<JsonNode> it = writes.elements();
                ArrayNode forwarded = JSON.createArrayNode();
                for (int i = 0; it.hasNext(); i++) (i < keep ? forwarded : heldBack).add(it.next());
                if (forwarded.isEmpty()) {
                    respond(ex, 200, "{\"UnprocessedItems\":" + JSON.writeValueAsString(Map.of(table, heldBack)) + "}");
                    return;
                }
                items.set(table, forwarded);
                body = JSON.writeValueAsBytes(request);
            }
            HttpResponse<byte[]> response = forward(ex, body);
            byte[] answer = response.body();
            if (heldBack != null && response.statusCode() == 200) {
                ObjectNode parsed = (ObjectNode) JSON.readTree(answer);
                ObjectNode unprocessed = JSON.createObjectNode();
                ArrayNode all = heldBack;
                JsonNode already = parsed.path("UnprocessedItems").path(table);
                if (already.isArray()) already.forEach(all::add);
                unprocessed.set(table, all);
                parsed.set("UnprocessedItems", unprocessed);
                answer = JSON.writeValueAsBytes(parsed);
            }
            if (fault == Fault.DROP_CONNECTION) {
                // Promise the whole body, send half of it, hang up.
                ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                ex.sendResponseHeaders(response.statusCode(), answer.length);
                OutputStream out = ex.getResponseBody();
                out.write(answer, 0, answer.length / 2);
                out.flush();
                throw new IOException("dropped on purpose");
            }
            respond(ex, response.statusCode(), new String(answer, StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            ex.close();
        }
    }

    HttpResponse<byte[]> forward(HttpExchange ex, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        ex.getRequestHeaders().forEach((k, vs) -> {
            if (!HOP_HEADERS.contains(k.toLowerCase())) vs.forEach(v -> forward.header(k, v));
        });
        return client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static void error(HttpExchange ex, String type, String message) throws IOException {
        respond(ex, 400, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        ex.getResponseHeaders().add("x-amz-crc32", Long.toString(crc.getValue()));
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
