package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Knowing where you are, secrets, interrupted runs, and a server started without -sharedDb. */
class SafetyTest {
    static final String SECRET = "SeCrEtKeY0123456789dummyNeverPrinted";
    static final String TOKEN = "SeSsIoNtOkEn0123456789dummyNeverPrinted";

    @Test
    void credentialsNeverAppearInOutputOrVerboseTraces() {
        String table = Tables.fresh("secrets");
        List<Cli> runs = List.of(
                Cli.local("list-tables", "--verbose"),
                Cli.local("seed", "--table", table, "--verbose"),
                Cli.local("scan", "--table", "no-such-table", "--verbose"),
                Cli.script("list-tables", "--verbose", "--endpoint-url", "http://127.0.0.1:" + LocalDynamo.freePort()),
                Cli.script("seed", "prod", "--verbose", "--table", table).prodAtLocal(),
                Cli.script("drop", table, "prod", "--verbose", "--yes").prodAtLocal().env("AWS_REGION", "us-west-2"),
                Cli.local("schema-load", "--table", table, "--verbose"));
        for (Cli run : runs) {
            var r = run.env("AWS_ACCESS_KEY_ID", "AKIDSAFETYTEST").env("AWS_SECRET_ACCESS_KEY", SECRET).env("AWS_SESSION_TOKEN", TOKEN).run();
            assertFalse(r.out().contains(SECRET) || r.err().contains(SECRET), "secret key printed: " + r);
            assertFalse(r.out().contains(TOKEN) || r.err().contains(TOKEN), "session token printed: " + r);
        }
    }

    @Test
    void writesNameTheirTargetAndWarnWhenLocalIsNotLoopback() {
        String table = LocalDynamo.uniqueTable("target");
        String port = LocalDynamo.endpoint().replaceAll(".*:", "");
        // 0.0.0.0 reaches this machine's server, but an endpoint like it is how a server open to the network looks.
        var r = Cli.script("schema-load", "--table", table, "--endpoint-url", "http://0.0.0.0:" + port).run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().startsWith("Creating table " + table + " at local http://0.0.0.0:" + port + " (us-east-1)"), r::toString);
        assertTrue(r.err().contains("warning: local mode, but 0.0.0.0 is not a loopback address"), r::toString);

        var loopback = Cli.local("drop", table).run();
        assertEquals(0, loopback.exit(), loopback::toString);
        assertFalse(loopback.err().contains("warning"), loopback::toString);
    }

    @Test
    void dropDryRunDeletesNothing() {
        String table = Tables.fresh("drop-dry");
        var r = Cli.script("drop", table, "prod", "--dry-run").prodAtLocal().run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("Dry run, nothing deleted. Would drop table " + table), r::toString);
        assertTrue(LocalDynamo.tableExists(LocalDynamo.client(), table));
    }

    @Test
    void ctrlCDuringSeedStopsPromptlyAndARerunCompletesWithoutDuplicates() throws Exception {
        String table = Tables.fresh("sigint");
        List<String> cmd = new ArrayList<>(List.of(Cli.REPO.resolve("bin/ddb/seed").toString(), "--table", table, "--synthetic",
                "--users", "20", "--conversations", "200", "--messages", "98", "--threads", "2", "--endpoint-url", LocalDynamo.endpoint()));
        Path err = Files.createTempFile("seed-sigint", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        var ddb = LocalDynamo.client();
        long deadline = System.currentTimeMillis() + 120_000;
        while (ddb.scan(s -> s.tableName(table).select("COUNT")).count() < 500 && System.currentTimeMillis() < deadline) Thread.sleep(100);
        new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
        long sent = System.nanoTime();
        assertTrue(p.waitFor(5, TimeUnit.SECONDS), "seed stops within 5 s of Ctrl-C");
        System.out.printf("seed stopped %d ms after SIGINT with exit %d%n", (System.nanoTime() - sent) / 1_000_000, p.exitValue());
        assertEquals(130, p.exitValue());
        assertTrue(Files.readString(err).contains("Interrupted after"), Files.readString(err));
        int partial = LocalDynamo.scanAll(ddb, table).size();
        assertTrue(partial > 0 && partial < 20_000, "stopped part way: " + partial);

        var rerun = Cli.local("seed", "--table", table, "--synthetic", "--users", "20", "--conversations", "200", "--messages", "98").run();
        assertEquals(0, rerun.exit(), rerun::toString);
        assertEquals(20_000, LocalDynamo.scanAll(ddb, table).size(), "complete, no duplicates");
    }

    @Test
    void listTablesExplainsAServerWithoutSharedDb() throws Exception {
        // DynamoDB Local's own runner, as a user might start it by hand: one database per access key and region.
        String classpath = Cli.script("local", "--help").run().exit() == 0 ? jbangClasspath() : null;
        String nativeDir = null;
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.contains("libsqlite4java-linux-amd64")) nativeDir = new File(entry).getParent();
        }
        int port = LocalDynamo.freePort();
        Process server = new ProcessBuilder("java", "-Dsqlite4java.library.path=" + nativeDir, "-cp", classpath,
                "com.amazonaws.services.dynamodbv2.local.main.ServerRunner", "-inMemory", "-disableTelemetry", "-port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String endpoint = "http://127.0.0.1:" + port;
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                try (var s = new java.net.Socket("127.0.0.1", port)) {
                    break;
                } catch (java.io.IOException e) {
                    if (System.currentTimeMillis() > deadline) throw e;
                    Thread.sleep(200);
                }
            }
            var other = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                    .endpointOverride(java.net.URI.create(endpoint)).region(software.amazon.awssdk.regions.Region.CA_CENTRAL_1)
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("fakeMyKeyId", "fakeSecretAccessKey")))
                    .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build();
            other.createTable(c -> c.tableName("hidden-table").keySchema(k -> k.attributeName("pk").keyType("HASH"))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S")).billingMode("PAY_PER_REQUEST"));

            var r = Cli.script("list-tables", "--endpoint-url", endpoint).run();
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.err().contains("No tables for these credentials and region, but this DynamoDB Local has 1 under access key "
                    + "'fakeMyKeyId' and region 'ca-central-1' (hidden-table): it runs without -sharedDb"), r::toString);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static String jbangClasspath() throws Exception {
        Process p = new ProcessBuilder("jbang", "info", "classpath", Cli.REPO.resolve("bin/ddb/local").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String cp = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor());
        return cp;
    }
}
