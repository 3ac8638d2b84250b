package cruddur.ddb;

import java.net.URI;
import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The Cruddur app beside the tool: its list_message_groups query (backend-flask/lib/ddb.py), run a given number of
 * times a second against an endpoint, with the SDK's retries off, as a web request that fails when DynamoDB refuses.
 * It counts what it suffers: calls, throttled calls (ProvisionedThroughputExceededException, ThrottlingException and
 * the like), other errors. Each call runs on a thread of its own, so a slow answer does not delay the next call.
 * Its User-Agent carries {@link #USER_AGENT}, so a {@link CapacityFront} meters the app's reads apart from the tool's.
 */
public final class AppClient implements AutoCloseable {
    /** The mark in the app client's User-Agent. */
    public static final String USER_AGENT = "cruddur-app-client";

    private final DynamoDbClient ddb;
    private final String table;
    private final String userUuid;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService requests = Executors.newCachedThreadPool();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicLong items = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    private AppClient(String endpoint, String table, String userUuid) {
        this.table = table;
        this.userUuid = userUuid;
        this.ddb = DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("app", "app")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, USER_AGENT))
                .build();
    }

    /** An app client that calls nothing by itself: {@link #listMessageGroups()} when the caller wants. */
    public static AppClient of(String endpoint, String table, String userUuid) {
        return new AppClient(endpoint, table, userUuid);
    }

    /** Starts calling list_message_groups for the user `callsPerSecond` times a second, until closed. */
    public static AppClient start(String endpoint, String table, String userUuid, double callsPerSecond) {
        AppClient app = new AppClient(endpoint, table, userUuid);
        long period = Math.round(1_000_000 / callsPerSecond);
        app.clock.scheduleAtFixedRate(() -> app.requests.submit(app::call), 0, period, TimeUnit.MICROSECONDS);
        return app;
    }

    /**
     * The app's query, once: `pk = GRP#user AND begins_with(sk, this year)`, newest first, 20 at most, then the fields
     * the app reads of each item. A missing attribute fails as the app's KeyError does.
     */
    public List<Map<String, String>> listMessageGroups() {
        QueryResponse response = ddb.query(q -> q.tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk,:year)")
                .scanIndexForward(false).limit(20)
                .expressionAttributeValues(Map.of(":year", AttributeValue.fromS(String.valueOf(Year.now().getValue())),
                        ":pk", AttributeValue.fromS("GRP#" + userUuid))));
        List<Map<String, String>> results = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            Map<String, String> group = new LinkedHashMap<>();
            group.put("uuid", attribute(item, "message_group_uuid"));
            group.put("display_name", attribute(item, "user_display_name"));
            group.put("handle", attribute(item, "user_handle"));
            group.put("message", attribute(item, "message"));
            group.put("created_at", attribute(item, "sk"));
            results.add(group);
        }
        return results;
    }

    private static String attribute(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.s() == null) throw new IllegalStateException("KeyError: '" + name + "' in " + item);
        return v.s();
    }

    /** One call, counted. */
    void call() {
        calls.incrementAndGet();
        try {
            items.addAndGet(listMessageGroups().size());
            ok.incrementAndGet();
        } catch (AwsServiceException e) {
            if (e.isThrottlingException()) throttled.incrementAndGet();
            else errors.incrementAndGet();
            lastError.set(e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            errors.incrementAndGet();
            lastError.set(e.toString());
        }
    }

    /** Calls made (finished or not). */
    public int calls() {
        return calls.get();
    }

    public int ok() {
        return ok.get();
    }

    /** Calls DynamoDB refused for throughput. */
    public int throttled() {
        return throttled.get();
    }

    /** Calls that failed otherwise (a bad answer, a connection refused, a missing attribute). */
    public int errors() {
        return errors.get();
    }

    /** Conversations the successful calls returned, added up: proof the app found its data. */
    public long items() {
        return items.get();
    }

    public String lastError() {
        return lastError.get();
    }

    public String report() {
        return String.format("app: %d calls, %d ok, %d throttled, %d errors, %d conversations listed%s", calls(), ok(), throttled(),
                errors(), items(), lastError() == null ? "" : "; last error " + lastError());
    }

    /** Stops calling and waits (up to 30 s) for the calls under way, so the counts are final. */
    @Override
    public void close() throws InterruptedException {
        clock.shutdownNow();
        clock.awaitTermination(5, TimeUnit.SECONDS);
        requests.shutdown();
        requests.awaitTermination(30, TimeUnit.SECONDS);
        ddb.close();
    }
}
