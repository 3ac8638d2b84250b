import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Section `stream`: messaging-stream --once draining a busy app's burst (messages interleaved across conversations, in
 * time order, as the app writes them), against the app's Lambda logic re-created in boto3 (bench/reference/
 * stream_lambda.py: per record, a query and a delete and a put of each group item). Each run on a fresh server: the
 * groups are written before the stream is enabled, so the stream holds the burst and nothing else. Moves are counted
 * from the stream afterwards (the REMOVE records of group items), the same way for both.
 */
final class StreamBench implements Section {
    @Option(names = "--stream-runs", defaultValue = "3", description = "Stream: runs of each burst (interleaved with the reference).")
    int runs;

    /** A burst; `reference`: the Lambda logic drains it too (at its rate, the large one would take most of an hour). */
    record Burst(int messages, int conversations, boolean reference) {
        String label() {
            return String.format("%,d messages in %,d conversations", messages, conversations);
        }
    }

    private List<Burst> bursts = List.of(new Burst(2_000, 50, true), new Burst(20_000, 1_000, false));
    /** Key: burst label + "|" + client; the runs, their group items moved and left behind. */
    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
    private final Map<String, List<Long>> moves = new LinkedHashMap<>(), behind = new LinkedHashMap<>();

    static final String OURS = "messaging-stream --once", LAMBDA = "the app's Lambda logic (boto3, per record)";
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    @Override
    public String name() {
        return "stream";
    }

    @Override
    public void tiny() {
        runs = 1;
        bursts = List.of(new Burst(100, 5, true), new Burst(200, 20, false));
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        // The first runs after a build compile, train the class archive and build it: not measured (nor in --tiny).
        if (!bench.tiny) {
            try (Runner.Local local = run.local()) {
                Runner.warmUp(w -> {
                    String table = "warm" + w;
                    prepare(local, table, new Burst(50, 5, false), w);
                    run.run(local.ours("messaging-stream", "--once", "--table", table, "--state", state().toString()));
                });
            }
        }
        for (Burst burst : bursts) {
            List<String> clients = burst.reference() && run.boto3 ? List.of(OURS, LAMBDA) : List.of(OURS);
            for (int r = 0; r < runs; r++) {
                for (String client : Runner.alternate(clients, r)) {
                    try (Runner.Local local = run.local()) {
                        Map<String, String> newest = prepare(local, "stream", burst, r);
                        Path state = state();
                        Sample s = run.run(client.equals(OURS)
                                ? local.ours("messaging-stream", "--once", "--table", "stream", "--state", state.toString())
                                : run.python("stream_lambda.py", local.endpoint, "stream"));
                        Files.deleteIfExists(state);
                        long left = behind(local, newest);
                        if (client.equals(OURS) && left > 0) throw new IllegalStateException(OURS + " left " + left + " group items behind");
                        String key = burst.label() + "|" + client;
                        samples.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                        moves.computeIfAbsent(key, k -> new ArrayList<>()).add(movesInStream(local));
                        behind.computeIfAbsent(key, k -> new ArrayList<>()).add(left);
                    }
                }
            }
        }
    }

    private static Path state() throws Exception {
        Path state = Files.createTempFile("bench-stream", ".json");
        Files.delete(state);
        return state;
    }

    /** The table with its index, the conversations (before the stream), then the stream and the burst; each group's newest sk. */
    private static Map<String, String> prepare(Runner.Local local, String table, Burst burst, int seed) throws Exception {
        // Elements built one by one: the SDK's varargs of lambdas are unchecked generic arrays.
        var hash = KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build();
        var range = KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build();
        var index = GlobalSecondaryIndex.builder().indexName("message-group-sk-index")
                .projection(p -> p.projectionType(ProjectionType.ALL))
                .keySchema(List.of(KeySchemaElement.builder().attributeName("message_group_uuid").keyType(KeyType.HASH).build(), range))
                .build();
        List<AttributeDefinition> attributes = List.of("pk", "sk", "message_group_uuid").stream()
                .map(a -> AttributeDefinition.builder().attributeName(a).attributeType(ScalarAttributeType.S).build()).toList();
        local.ddb.createTable(t -> t.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST).keySchema(List.of(hash, range))
                .attributeDefinitions(attributes).globalSecondaryIndexes(List.of(index)));
        Random random = new Random(seed);
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        List<String> groups = new ArrayList<>();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int c = 0; c < burst.conversations(); c++) {
            String g = uuid(random), a = uuid(random), b = uuid(random);
            groups.add(g);
            for (String[] owner : List.of(new String[] {a, b}, new String[] {b, a})) {
                items.add(Map.of("pk", s("GRP#" + owner[0]), "sk", s(at(start)), "message_group_uuid", s(g), "message", s("hello"),
                        "user_uuid", s(owner[1]), "user_display_name", s("User " + owner[1].substring(0, 4)),
                        "user_handle", s("u" + owner[1].substring(0, 6))));
            }
            items.add(message(g, at(start), "hello"));
        }
        write(local, table, items);
        local.ddb.updateTable(u -> u.tableName(table).streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_IMAGE")));
        List<String> order = new ArrayList<>();
        for (String g : groups) for (int i = 0; i < burst.messages() / burst.conversations(); i++) order.add(g);
        Collections.shuffle(order, random);
        Map<String, String> newest = new HashMap<>();
        List<Map<String, AttributeValue>> messages = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            String sk = at(start.plus(1, ChronoUnit.DAYS).plusMillis(i));
            newest.put(order.get(i), sk);
            messages.add(message(order.get(i), sk, "message " + i));
        }
        write(local, table, messages);
        return newest;
    }

    /** BatchWriteItem, 8 calls at a time, as several app servers write: the stream holds the burst nearly in time order. */
    private static void write(Runner.Local local, String table, List<Map<String, AttributeValue>> items) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < items.size(); i += 25) {
                List<WriteRequest> batch = items.subList(i, Math.min(i + 25, items.size())).stream()
                        .map(item -> WriteRequest.builder().putRequest(p -> p.item(item)).build()).toList();
                calls.add(pool.submit(() -> {
                    Map<String, List<WriteRequest>> pending = Map.of(table, batch);
                    while (!pending.isEmpty()) {
                        var request = pending;
                        pending = local.ddb.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) call.get();
        } finally {
            pool.shutdown();
        }
    }

    /** Group items not at their conversation's newest message (or missing): 0 for a consumer that is right. */
    private static long behind(Runner.Local local, Map<String, String> newest) {
        var items = local.ddb.scanPaginator(s -> s.tableName("stream").indexName("message-group-sk-index")).items().stream().toList();
        long wrong = items.stream().filter(i -> !i.get("sk").s().equals(newest.get(i.get("message_group_uuid").s()))).count();
        return wrong + Math.max(0, 2L * newest.size() - items.size());
    }

    /** Group items moved: their REMOVE records in the stream (a move deletes the old key and puts the new one). */
    private static long movesInStream(Runner.Local local) {
        String arn = local.ddb.describeTable(d -> d.tableName("stream")).table().latestStreamArn();
        long removes = 0;
        try (var streams = DynamoDbStreamsClient.builder().endpointOverride(java.net.URI.create(local.endpoint))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("bench", "bench"))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()) {
            for (var shard : streams.describeStream(d -> d.streamArn(arn)).streamDescription().shards()) {
                String it = streams.getShardIterator(g -> g.streamArn(arn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                while (it != null) {
                    String iterator = it;
                    var page = streams.getRecords(g -> g.shardIterator(iterator));
                    removes += page.records().stream().filter(r -> r.eventNameAsString().equals("REMOVE")
                            && r.dynamodb().keys().get("pk").s().startsWith("GRP#")).count();
                    it = page.records().isEmpty() ? null : page.nextShardIterator();
                }
            }
        }
        return removes;
    }

    private static Map<String, AttributeValue> message(String group, String sk, String text) {
        return Map.of("pk", s("MSG#" + group), "sk", s(sk), "message_uuid", s(UUID.randomUUID().toString()), "message", s(text),
                "user_uuid", s("a41f5c3e-8d27-4b96-8e0a-6c1d2b3e4f05"), "user_display_name", s("Londo Mollari"), "user_handle", s("londo"));
    }

    private static String uuid(Random random) {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String at(Instant t) {
        return TIMESTAMP.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (samples.isEmpty()) return;
        out.add("%n## Stream: messaging-stream --once draining a busy app's burst (median of %d interleaved runs, a fresh "
                + "server each; messages/s over the whole process, start-up included)%n%n", runs);
        out.add("| burst | client | median s | min–max s | messages/s | group items moved | left behind | peak RSS | vs the Lambda logic |\n");
        out.add("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Burst burst : bursts) {
            List<Sample> lambda = samples.get(burst.label() + "|" + LAMBDA);
            for (String client : List.of(OURS, LAMBDA)) {
                String key = burst.label() + "|" + client;
                List<Sample> s = samples.get(key);
                if (s == null) continue;
                out.add("| %s | %s | %.2f | %s | %,.0f | %,d | %,d | %s | %s |%n", burst.label(), client, Report.median(s),
                        Report.range(s), burst.messages() / Report.median(s), middle(moves.get(key)), middle(behind.get(key)),
                        Report.rss(s), lambda == null ? "" : String.format("%.1f× as fast", Report.median(lambda) / Report.median(s)));
            }
        }
        out.add("%nThe burst: the conversations' group items first (with the stream off), then the messages in time order, "
                + "round robin over the conversations at random, written 25 a call, 8 calls at a time. Moves are the group "
                + "items' REMOVE records in the stream; left behind, group items not at their conversation's newest message "
                + "afterwards (the Lambda logic moves a group to each message in the order the stream delivers them). "
                + "Targets (issue 19): at least 1,000 messages/s on both bursts and 5× the Lambda logic's rate on the first; "
                + "peak RSS at most 250 MB on the second.%n");
        if (!samples.containsKey(bursts.get(0).label() + "|" + LAMBDA)) out.note("stream: no boto3, so no Lambda reference.");
    }

    private static long middle(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
