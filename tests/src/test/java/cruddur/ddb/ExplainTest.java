package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 23.5: --explain prints the request a script would send, as JSON the real AWS CLI takes with --cli-input-json,
 * and sends nothing; run through the AWS CLI, it returns the same items the script shows. And the closing line on
 * stderr states the capacity consumed, equal to the sum of what DynamoDB said page by page (a front counts it).
 */
class ExplainTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BAYKO_GROUP = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399";
    static final Pattern CONSUMED = Pattern.compile("([0-9.]+) read capacity units consumed");
    static final Pattern WRITTEN = Pattern.compile("([0-9.]+) write capacity units consumed");
    static String table;

    @BeforeAll
    static void seeded() {
        table = Tables.fresh("explain");
        var r = Cli.local("seed", "--table", table).run();
        assertEquals(0, r.exit(), r::toString);
    }

    /** The explained request, run by the real AWS CLI against the suite's DynamoDB Local: its whole answer. */
    static JsonNode awsCli(String operation, String request, String... options) throws Exception {
        Path file = Files.createTempFile("request", ".json");
        Files.writeString(file, request);
        List<String> command = new ArrayList<>(List.of("aws", "dynamodb", operation, "--cli-input-json",
                "file://" + file, "--endpoint-url", LocalDynamo.endpoint(), "--region", "us-east-1", "--output", "json"));
        command.addAll(List.of(options));
        var pb = new ProcessBuilder(command).redirectErrorStream(false);
        pb.environment().put("AWS_ACCESS_KEY_ID", "testsuite");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "testsuite");
        pb.environment().put("AWS_CONFIG_FILE", "/nonexistent");
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "aws " + command + ":\n" + out + err);
        return JSON.readTree(out);
    }

    static boolean awsOnPath() {
        try {
            return new ProcessBuilder("aws", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** --explain's output, checked to be one JSON request and nothing sent (the proxy counts every call). */
    static String explained(String script, String... args) throws Exception {
        try (var front = new FaultProxy(LocalDynamo.endpoint(), List.of())) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--table", table, "--explain", "--endpoint-url", front.endpoint()));
            var r = Cli.script(script, all.toArray(String[]::new)).run();
            assertEquals(0, r.exit(), r::toString);
            assertEquals(0, front.calls("Query") + front.calls("Scan") + front.calls("DescribeTable"), front.report());
            assertTrue(r.err().contains("not sent (--explain)") && r.err().contains("--cli-input-json"), r::toString);
            assertEquals(table, JSON.readTree(r.out()).get("TableName").asText(), r::toString);
            return r.out().replace(front.endpoint(), LocalDynamo.endpoint());
        }
    }

    @Test
    void explainedQueriesReturnTheScriptsItemsThroughTheAwsCli() throws Exception {
        Assumptions.assumeTrue(awsOnPath(), "the aws CLI is not on PATH");
        var list = Cli.local("patterns/list-conversations", "bayko", "--table", table, "-o", "dynamodb-json").run();
        assertEquals(0, list.exit(), list::toString);
        JsonNode listed = awsCli("query", explained("patterns/list-conversations", "bayko"));
        assertEquals(JSON.readTree(list.out()).get("Items"), listed.get("Items"));
        assertTrue(listed.get("Items").size() >= 1, listed::toString);

        var limited = Cli.local("patterns/get-conversation", BAYKO_GROUP, "--limit", "3", "--table", table,
                "-o", "dynamodb-json").run();
        String request = explained("patterns/get-conversation", BAYKO_GROUP, "--limit", "3");
        assertEquals(3, JSON.readTree(request).get("Limit").asInt(), request);
        JsonNode three = awsCli("query", request, "--max-items", "3");
        assertEquals(JSON.readTree(limited.out()).get("Items"), three.get("Items"));
        assertEquals(3, three.get("Items").size());

        var all = Cli.local("patterns/get-conversation", BAYKO_GROUP, "--all", "--table", table, "-o", "json").run();
        JsonNode every = awsCli("query", explained("patterns/get-conversation", BAYKO_GROUP, "--all"));
        JsonNode plain = JSON.readTree(all.out()).get("Items");
        assertEquals(plain.size(), every.get("Items").size());
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(plain.get(i).get("message").asText(), every.get("Items").get(i).get("message").get("S").asText());
        }
    }

    @Test
    void explainedScansReturnTheScriptsItemsThroughTheAwsCli() throws Exception {
        Assumptions.assumeTrue(awsOnPath(), "the aws CLI is not on PATH");
        var scan = Cli.local("scan", "--table", table).run();
        assertEquals(0, scan.exit(), scan::toString);
        Set<String> scanned = new TreeSet<>();
        for (String line : scan.out().lines().toList()) scanned.add(JSON.readTree(line).get("sk").asText() + line);
        JsonNode cli = awsCli("scan", explained("scan"));
        var export = Cli.local("export", "--table", table).run();
        assertEquals(0, export.exit(), export::toString);
        Set<JsonNode> exported = new java.util.HashSet<>(), viaCli = new java.util.HashSet<>();
        for (String line : export.out().lines().toList()) exported.add(JSON.readTree(line).get("Item"));
        cli.get("Items").forEach(viaCli::add);
        assertEquals(exported, viaCli, "export's items, typed, are the CLI's");
        assertEquals(scanned.size(), viaCli.size());
        assertEquals(JSON.readTree(explained("scan")), JSON.readTree(explained("export")), "one request, two scripts");
    }

    /**
     * A front that adds up what every read and write cost, page by page and call by call, as DynamoDB Local says it:
     * it asks ReturnConsumedCapacity TOTAL on each call itself (and hides the answer from a call that did not ask), so
     * a call the script sends without asking still counts here, and a closing line that forgets it is caught. The
     * capacity lies upstream (DynamoDB Local, or a capacity front before it, which answers the same way).
     */
    static final class CapacityCounter extends FaultProxy {
        static final Set<String> READS = Set.of("Scan", "Query", "GetItem", "BatchGetItem", "TransactGetItems");
        static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                "TransactWriteItems");
        final DoubleAdder units = new DoubleAdder(), writeUnits = new DoubleAdder();
        final AtomicInteger pages = new AtomicInteger(), writes = new AtomicInteger();

        CapacityCounter() throws IOException { this(LocalDynamo.endpoint()); }

        CapacityCounter(String upstream) throws IOException { super(upstream, List.of()); }

        @Override boolean intercept(HttpExchange ex, String operation, byte[] body) throws IOException,
                InterruptedException {
            boolean read = READS.contains(operation), write = WRITES.contains(operation);
            if (!read && !write) return false;
            var request = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(body);
            boolean asked = !request.path("ReturnConsumedCapacity").asText("NONE").equals("NONE");
            if (!asked) request.put("ReturnConsumedCapacity", "TOTAL");
            var response = forward(ex, JSON.writeValueAsBytes(request));
            JsonNode answer = JSON.readTree(response.body());
            JsonNode said = answer.path("ConsumedCapacity");
            double sum = 0;
            for (JsonNode c : said.isArray() ? said : List.of(said)) sum += c.path("CapacityUnits").asDouble(0);
            (read ? units : writeUnits).add(sum);
            (read ? pages : writes).incrementAndGet();
            if (!asked && answer instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                o.remove("ConsumedCapacity");
            }
            respond(ex, response.statusCode(), JSON.writeValueAsString(answer));
            return true;
        }
    }

    static double closingCapacity(Cli.Result r) {
        Matcher m = CONSUMED.matcher(r.err());
        assertTrue(m.find(), "no capacity on the closing line: " + r);
        assertTrue(r.err().stripTrailing().lines().reduce((a, b) -> b).orElse("").contains("capacity units consumed"),
                "the closing line: " + r);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void closingLinesStateTheCapacityThePagesReturned() throws Exception {
        String[][] runs = {{"scan", "--segments", "3"}, {"export", "--segments", "2"},
                {"patterns/get-conversation", BAYKO_GROUP, "--all"}, {"patterns/list-conversations", "andrewbrown"}};
        for (String[] run : runs) {
            try (var front = new CapacityCounter()) {
                List<String> args = new ArrayList<>(List.of(run).subList(1, run.length));
                args.addAll(List.of("--table", table, "--endpoint-url", front.endpoint()));
                var r = Cli.script(run[0], args.toArray(String[]::new)).run();
                assertEquals(0, r.exit(), r::toString);
                assertTrue(front.pages.get() >= 1 && front.units.sum() > 0, front.report());
                assertEquals(front.units.sum(), closingCapacity(r), 0.005, run[0] + " over " + front.pages + " pages: " + r);
            }
        }
    }

    /** The closing line's write units, and its read units (0 when it states none: a script that only writes). */
    static double[] closingWritesAndReads(Cli.Result r) {
        String last = r.err().stripTrailing().lines().reduce((a, b) -> b).orElse("");
        Matcher w = WRITTEN.matcher(last), read = CONSUMED.matcher(last);
        assertTrue(w.find(), "no write capacity on the closing line: " + r);
        return new double[] {Double.parseDouble(w.group(1)), read.find() ? Double.parseDouble(read.group(1)) : 0};
    }

    static Cli.Result counted(CapacityCounter front, String script, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint-url", front.endpoint()));
        var r = Cli.script(script, all.toArray(String[]::new)).run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(front.writes.get() >= 1 && front.writeUnits.sum() > 0, script + ": " + front.report());
        double[] said = closingWritesAndReads(r);
        assertEquals(front.writeUnits.sum(), said[0], 0.005, script + " writes over " + front.writes + " calls: " + r);
        assertEquals(front.units.sum(), said[1], 0.005, script + " reads over " + front.pages + " pages: " + r);
        return r;
    }

    /**
     * The writing scripts: seed (new, then again over an earlier seed: its queries and deletes), import --replace (its
     * scan and deletes, then its puts), create-message-group, create-message and messaging-stream (its index queries
     * and transactions, its stream reads costing no table capacity; and --repair's scan). Each closing line states
     * what the calls returned.
     */
    @Test
    void writingScriptsClosingLinesStateTheCapacityTheCallsReturned() throws Exception {
        String target = MessagingTest.streamTable("written");
        String[][] runs = {{"seed", "--now", "2026-01-01T00:00:00Z"}, {"seed", "--now", "2026-01-02T00:00:00Z"},
                {"patterns/create-message-group", "--from", "bayko", "--to", "londo", "--text", "Hi"}};
        String group = null;
        for (String[] run : runs) {
            try (var front = new CapacityCounter()) {
                List<String> args = new ArrayList<>(List.of(run).subList(1, run.length));
                args.addAll(List.of("--table", target));
                var r = counted(front, run[0], args.toArray(String[]::new));
                if (run[0].endsWith("group")) group = r.out().lines().findFirst().orElseThrow();
            }
        }
        try (var front = new CapacityCounter()) {
            counted(front, "patterns/create-message", group, "--from", "londo", "--text", "Hello", "--table", target);
            assertTrue(front.pages.get() >= 1, "its participants, read from the index: " + front.report());
        }
        try (var front = new CapacityCounter()) {
            counted(front, "messaging-stream", "--once", "--table", target, "--state",
                    MessagingTest.stateFile().toString());
            assertTrue(front.calls("GetRecords") >= 1, front.report());
        }
        // A message the stream has not brought (no run since): --repair scans the index and moves its group items.
        assertEquals(0, Cli.local("patterns/create-message", group, "--from", "bayko", "--text", "Later", "--table",
                target).run().exit());
        try (var front = new CapacityCounter()) {
            counted(front, "messaging-stream", "--repair", "--table", target);
            assertTrue(front.calls("Scan") >= 1, "--repair scans the index: " + front.report());
        }
        Path file = Files.createTempDirectory("capacity").resolve("items.json");
        assertEquals(0, Cli.local("export", "--table", target, "--file", file.toString()).run().exit());
        try (var front = new CapacityCounter()) {
            counted(front, "import", file.toString(), "--replace", "--table", target);
            assertTrue(front.pages.get() >= 1, "--replace scans the keys: " + front.report());
        }
        // Through a table that refuses writes beyond 20 WCU, and says so only by refusing: some batches are taken in
        // part, some refused; what landed is what the calls said.
        try (var capacity = CapacityFront.hidden(LocalDynamo.endpoint(), CapacityFront.UNLIMITED, 20);
                var front = new CapacityCounter(capacity.endpoint())) {
            counted(front, "seed", "--now", "2026-01-03T00:00:00Z", "--table", target, "--threads", "4", "--yes");
        }
    }
}
