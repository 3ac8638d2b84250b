package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every line of the scripts and of lib/ fits in 120 characters (code points: an é is one), so each reads unscrolled. */
class LineLengthTest {
    static final int MAX = 120;

    /**
     * Long lines that belong to work in flight elsewhere, excused by their exact text until it lands: the connection,
     * client and error text of lib/Ddb.java and messaging-stream's Streams client (engineer "prod", issues 17 and
     * 18.6). Whoever merges that work reflows them and empties this list; an entry whose line is gone fails, so the
     * list can only shrink.
     */
    static final Set<String> IN_FLIGHT = Set.of(
            "lib/Ddb.java:        if (env(\"NO_COLOR\") != null || System.console() == null) cl.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));",
            "lib/Ddb.java:            return \"DynamoDB refused the request\" + (details.errorCode() != null ? \" (\" + details.errorCode() + \")\" : \"\")",
            "lib/Ddb.java:            \"set AWS_PROFILE (then 'aws sso login' or 'aws configure'), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.\";",
            "lib/Ddb.java:        Object where = conn == null ? \"the endpoint\" : conn.endpoint() != null ? conn.endpoint() : \"AWS (\" + conn.region() + \")\";",
            "lib/Ddb.java:            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException",
            "lib/Ddb.java:                    || (t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).contains(\"connect\"))) return true;",
            "lib/Ddb.java:            return new String[] {\"cruddur-ddb \" + VERSION, \"JBang \" + System.getenv().getOrDefault(\"JBANG_VERSION\", \"unknown\")",
            "lib/Ddb.java:        @Option(names = \"--table\", paramLabel = \"NAME\", defaultValue = \"${env:DDB_MESSAGE_TABLE:-\" + DEFAULT_TABLE + \"}\",",
            "lib/Ddb.java:                description = \"Target real AWS through the SDK's credential and region chain (same as the trailing word prod).\")",
            "lib/Ddb.java:                if (uri.getHost() != null && String.valueOf(uri.getScheme()).toLowerCase().matches(\"https?\")) return uri;",
            "lib/Ddb.java:            return StaticCredentialsProvider.create(AwsBasicCredentials.create(\"cruddurlocal\", \"cruddurlocal\")); // any will do",
            "lib/Ddb.java:        /** Where this run goes, in one line: mode, endpoint, region and profile (not the account: that costs an STS call). */",
            "lib/Ddb.java:            if (!prod && !isLoopback(host)) err.println(\"warning: local mode, but \" + host + \" is not a loopback address\");",
            "lib/Ddb.java:            } else { // the client retries refused connections like any I/O error: a local server that is down says so at once",
            "lib/Ddb.java:        /** The same local endpoint with other credentials and region (DynamoDB Local without -sharedDb keeps them apart). */",
            "lib/Ddb.java:        /** The SDK's waiter, polling at the pace of the target: local tables settle in milliseconds, AWS ones in seconds. */",
            "lib/Ddb.java:            try (var waiter = DynamoDbWaiter.builder().client(client()).overrideConfiguration(o -> o.backoffStrategyV2(backoff)",
            "lib/Ddb.java:                if (exists) waiter.waitUntilTableExists(r -> r.tableName(table)); // a timeout or an unexpected error throws",
            "lib/Ddb.java:        /** Guard for destructive or bulk writes in prod: the user types the table name at a terminal, or passes --yes. */",
            "lib/Ddb.java:            String typed = console.readLine(\"About to %s %s at %s.%nType the table name to confirm: \", action, table, target());",
            "lib/Ddb.java:     * The one retry strategy, for every call: throttling, 5xx answers and connections dropped mid-response are retried up to",
            "lib/Ddb.java:     * AWS_MAX_ATTEMPTS (default 10) times with exponential backoff and full jitter, with no circuit breaker to stop a long bulk",
            "lib/Ddb.java:                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(250), Duration.ofSeconds(10)))",
            "lib/Ddb.java:            return host != null && (host.equalsIgnoreCase(\"localhost\") || InetAddress.getByName(host).isLoopbackAddress());",
            "bin/ddb/messaging-stream:                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60))).overrideConfiguration(o -> o.retryStrategy(Ddb.RETRIES));");

    static List<Path> files() throws Exception {
        List<Path> files = new ArrayList<>(HeaderTest.scripts());
        try (Stream<Path> lib = Files.list(Cli.REPO.resolve("lib"))) {
            lib.filter(f -> f.toString().endsWith(".java")).sorted().forEach(files::add);
        }
        return files;
    }

    @Test
    void everyLineOfTheScriptsAndLibFits() throws Exception {
        List<String> tooLong = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        List<Path> files = files();
        assertTrue(files.size() >= 13 + 5, "the scripts and lib/: " + files);
        for (Path file : files) {
            String name = Cli.REPO.relativize(file).toString();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.codePointCount(0, line.length()) <= MAX) continue;
                if (IN_FLIGHT.contains(name + ":" + line)) seen.add(name + ":" + line);
                else tooLong.add(name + ":" + (i + 1) + " (" + line.codePointCount(0, line.length()) + "): " + line.strip());
            }
        }
        assertEquals(List.of(), tooLong, "lines over " + MAX + " characters");
        List<String> gone = IN_FLIGHT.stream().filter(l -> !seen.contains(l)).sorted().toList();
        assertEquals(List.of(), gone, "reflowed or changed: remove from LineLengthTest.IN_FLIGHT");
    }
}
