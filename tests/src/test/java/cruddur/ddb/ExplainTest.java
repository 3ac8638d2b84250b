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

    /** A front that forwards every call and adds up the ConsumedCapacity DynamoDB Local returns, page by page. */
    static final class CapacityCounter extends FaultProxy {
        final DoubleAdder units = new DoubleAdder();
        final AtomicInteger pages = new AtomicInteger();

        CapacityCounter() throws IOException { super(LocalDynamo.endpoint(), List.of()); }

        @Override boolean intercept(HttpExchange ex, String operation, byte[] body) throws IOException,
                InterruptedException {
            var response = forward(ex, body);
            JsonNode said = JSON.readTree(response.body()).path("ConsumedCapacity").path("CapacityUnits");
            if (operation.equals("Scan") || operation.equals("Query")) {
                pages.incrementAndGet();
                if (said.isNumber()) units.add(said.asDouble());
            }
            respond(ex, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
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
}
