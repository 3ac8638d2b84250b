package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Issue 23.4: doctor, one line per check, exit 0 when all is well and 1 naming the fix when something is wrong. */
class DoctorTest {
    static Cli doctor(String endpoint, String... args) {
        return Cli.script("doctor", args).env("AWS_ENDPOINT_URL_DYNAMODB", endpoint);
    }

    static String line(Cli.Result r, String check) {
        return r.out().lines().filter(l -> l.matches("\\S+ +" + check + " .*")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + check + " line: " + r));
    }

    static String table(String prefix, String... schemaOptions) {
        String table = LocalDynamo.uniqueTable(prefix);
        var args = new java.util.ArrayList<>(List.of("--table", table, "--billing-mode", "PAY_PER_REQUEST"));
        args.addAll(List.of(schemaOptions));
        var r = Cli.local("schema-load", args.toArray(String[]::new)).run();
        assertEquals(0, r.exit(), r::toString);
        return table;
    }

    @Test
    void aHealthySetUpIsAllOkWithTheConsumersLag() throws Exception {
        String table = table("doctor-ok", "--gsi", "--stream");
        var ddb = LocalDynamo.client();
        String arn = ddb.describeTable(d -> d.tableName(table)).table().latestStreamArn();
        ddb.putItem(p -> p.tableName(table).item(Map.of("pk", AttributeValue.fromS("MSG#x"),
                "sk", AttributeValue.fromS("2026-01-01T00:00:00.000000+00:00"))));
        // A consumer that saved its place in this stream before reading any shard: one change waits, seconds old.
        Path state = Files.createTempFile("state", ".json");
        Files.writeString(state, "{\"" + arn + "\": {}}");
        var r = doctor(LocalDynamo.endpoint(), "--table", table, "--state", state.toString()).run();
        assertEquals(0, r.exit(), r::toString);
        for (String check : List.of("versions", "endpoint", "sharing", "table", "index", "stream", "consumer")) {
            assertTrue(line(r, check).startsWith("ok "), r::toString);
        }
        assertTrue(line(r, "versions").contains("Java 1") || line(r, "versions").contains("Java 2"), r::toString);
        assertTrue(line(r, "sharing").contains("-sharedDb"), r::toString);
        assertTrue(line(r, "consumer").contains("1 shard with changes waiting"), r::toString);
        assertTrue(r.out().strip().endsWith("table " + table + "."), r::toString);
    }

    @Test
    void aMissingTableOrStreamNamesItsFix() {
        var missing = doctor(LocalDynamo.endpoint(), "--table", "no-such-table").run();
        assertEquals(1, missing.exit(), missing::toString);
        assertTrue(line(missing, "table").startsWith("PROBLEM  table     no table 'no-such-table'"), missing::toString);
        assertTrue(line(missing, "table").endsWith("Fix: create it with: bin/ddb/schema-load --gsi --stream --table "
                + "no-such-table"), missing::toString);
        assertTrue(line(missing, "stream").startsWith("skipped"), missing::toString);

        String noStream = table("doctor-nostream", "--gsi");
        var r = doctor(LocalDynamo.endpoint(), "--table", noStream).run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(line(r, "index").startsWith("ok "), r::toString);
        assertTrue(line(r, "stream").startsWith("PROBLEM  stream    no stream on " + noStream), r::toString);
        assertTrue(line(r, "stream").endsWith("Fix: add it with: bin/ddb/schema-load --gsi --stream --table "
                + noStream), r::toString);
        assertTrue(r.out().strip().endsWith("1 problem: see the fixes above."), r::toString);
    }

    @Test
    void prodSaysWhoAndWhereWithoutASecret() throws Exception {
        try (var moto = new Front.Moto()) {
            var r = Cli.script("doctor", "prod", "--endpoint-url", moto.endpoint)
                    .env("AWS_ACCESS_KEY_ID", "AKIADOCTORTESTKEY").env("AWS_SECRET_ACCESS_KEY", "doctorsecretvalue")
                    .env("AWS_REGION", "eu-west-1").run();
            assertEquals(1, r.exit(), "moto has no table yet: " + r);
            assertTrue(line(r, "identity").startsWith("ok       identity  arn:aws:sts::123456789012:"), r::toString);
            assertTrue(line(r, "identity").contains("region eu-west-1"), r::toString);
            assertTrue(line(r, "table").endsWith("Fix: create it with: bin/ddb/schema-load --gsi --stream prod"),
                    r::toString);
            assertTrue(!r.out().contains("doctorsecretvalue") && !r.err().contains("doctorsecretvalue"), r::toString);
            assertTrue(r.out().lines().noneMatch(l -> l.contains("sharing")), "no local probe in prod: " + r);
        }
    }

    @Test
    void anEndpointThatDoesNotAnswerNamesItsFix() {
        var r = doctor("http://127.0.0.1:" + LocalDynamo.freePort()).run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(line(r, "endpoint").startsWith("PROBLEM  endpoint  Cannot reach DynamoDB at http://127.0.0.1:"),
                r::toString);
        assertTrue(line(r, "endpoint").contains("Fix: Start a local one with: bin/ddb/local"), r::toString);
        assertTrue(line(r, "table").startsWith("skipped"), r::toString);
    }

    @Test
    void aServerWithoutSharedDbSaysWhereTheTablesAre() throws Exception {
        // DynamoDB Local's own runner, as a user might start it by hand: one database per access key and region.
        String classpath = SafetyTest.jbangClasspath();
        String nativeDir = null;
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.contains("libsqlite4java-linux-amd64")) nativeDir = new File(entry).getParent();
        }
        int port = LocalDynamo.freePort();
        Process server = new ProcessBuilder("java", "-Dsqlite4java.library.path=" + nativeDir, "-cp", classpath,
                "com.amazonaws.services.dynamodbv2.local.main.ServerRunner", "-inMemory", "-disableTelemetry",
                "-port", String.valueOf(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String endpoint = "http://127.0.0.1:" + port;
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                try (var s = new Socket("127.0.0.1", port)) {
                    break;
                } catch (java.io.IOException e) {
                    if (System.currentTimeMillis() > deadline) throw e;
                    Thread.sleep(200);
                }
            }
            try (var other = DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.CA_CENTRAL_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("fakeMyKeyId", "fakeSecretAccessKey")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
                other.createTable(c -> c.tableName("cruddur-messages")
                        .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                        .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                        .billingMode("PAY_PER_REQUEST"));
            }
            var r = doctor(endpoint).run();
            assertEquals(1, r.exit(), r::toString);
            String sharing = line(r, "sharing");
            assertTrue(sharing.startsWith("PROBLEM  sharing   this DynamoDB Local keeps one database per access key "
                    + "and region (it runs without -sharedDb): it has 1 table under access key 'fakeMyKeyId' and region "
                    + "'ca-central-1' (cruddur-messages)"), r::toString);
            assertTrue(sharing.contains("Fix: run bin/ddb/local, which shares one database"), r::toString);
            assertTrue(line(r, "table").startsWith("PROBLEM  table     no table 'cruddur-messages'"), r::toString);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
