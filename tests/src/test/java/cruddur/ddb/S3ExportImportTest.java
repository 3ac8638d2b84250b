package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * export --s3 / --download and import --s3 / s3:// paths against moto_server (one per class, on a free loopback port),
 * which serves DynamoDB's ExportTableToPointInTime, DescribeExport, ImportTable, DescribeImport and S3 on one endpoint.
 * moto writes an export's data files with no manifest (AWS writes manifest-summary.json and manifest-files.json beside
 * data/): the test of AWS's documented layout puts that layout into moto's S3 as a fixture.
 */
class S3ExportImportTest {
    static final String BUCKET = "exports-bucket";
    static Front.Moto moto;
    static DynamoDbClient ddb;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        moto = new Front.Moto();
        ddb = LocalDynamo.client(moto.endpoint);
        s3 = S3Client.builder().endpointOverride(URI.create(moto.endpoint)).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testsuite", "testsuite")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void stop() throws Exception {
        if (moto != null) moto.close();
    }

    /** A script pointed at moto_server. */
    static Cli atMoto(String script, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint-url", moto.endpoint));
        return Cli.script(script, all.toArray(String[]::new));
    }

    /** `n` items of every attribute type (moto's ImportTable imports none of these, and says 0 errors: `plain`). */
    static List<Map<String, AttributeValue>> items(int n, boolean plain) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(plain ? Tables.item("MSG#s3-" + i, "2026-01-01T00:00:00." + i, "message " + i)
                    : ExportImportTest.everyType("MSG#s3-" + i));
        }
        return items;
    }

    /** A table in moto with `n` items of every attribute type, point-in-time recovery on or off. */
    static String table(String prefix, int n, boolean pitr) {
        return table(prefix, items(n, false), pitr);
    }

    static String table(String prefix, List<Map<String, AttributeValue>> items, boolean pitr) {
        String name = LocalDynamo.uniqueTable(prefix);
        ddb.createTable(c -> c.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S)));
        if (pitr) {
            ddb.updateContinuousBackups(u -> u.tableName(name).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        }
        Tables.putAll(ddb, name, items);
        return name;
    }

    /** SHA-256 of every item's canonical DynamoDB JSON (the test's own, ExportImportTest.canonical), lines sorted. */
    static ExportImportTest.Digest digest(DynamoDbClient client, String table) throws Exception {
        List<String> lines = new ArrayList<>();
        client.scanPaginator(r -> r.tableName(table)).items().forEach(i -> lines.add(ExportImportTest.canonical(i).toString()));
        lines.sort(null);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String l : lines) sha.update((l + "\n").getBytes(StandardCharsets.UTF_8));
        return new ExportImportTest.Digest(lines.size(), HexFormat.of().formatHex(sha.digest()));
    }

    static List<String> keys(String prefix) {
        return s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(prefix)).contents().stream().map(o -> o.key()).toList();
    }

    static String folderOf(Cli.Result export) {
        Matcher m = Pattern.compile("(s3://\\S+/AWSDynamoDB/[^/\\s]+/)").matcher(export.out() + export.err());
        assertTrue(m.find(), export::toString);
        return m.group(1);
    }

    static boolean exists(String table) {
        try {
            ddb.describeTable(d -> d.tableName(table));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    // ---- export --s3 and --download ----

    @Test
    void exportToS3DownloadedAndImportedIntoDynamoDbLocalKeepsEveryItemByteForByte() throws Exception {
        List<Map<String, AttributeValue>> items = items(40, false);
        String source = table("s3-source", items, true);
        Path dir = Files.createTempDirectory("s3-export");
        Path file = dir.resolve("export.json.gz");
        var export = atMoto("export", "--table", source, "--s3", "s3://" + BUCKET + "/round-trip", "--download",
                "--file", file.toString()).run();
        assertEquals(0, export.exit(), export::toString);
        assertTrue(export.err().contains("Started DynamoDB's export of " + source + " to s3://" + BUCKET + "/round-trip"), export::toString);
        assertTrue(export.err().contains("Export COMPLETED: 40 items"), export::toString);
        assertTrue(export.err().contains("Downloaded 40 items in 1 data file"), export::toString);
        assertEquals("", export.out(), "the data went to the file");
        assertEquals(40, ExportImportTest.lines(file).size());

        String copy = LocalDynamo.uniqueTable("s3-copy");
        var imp = Cli.local("import", file.toString(), "--table", copy, "--create").run();
        assertEquals(0, imp.exit(), imp::toString);
        // The same items put straight into DynamoDB Local: the same typed digest (each engine writes numbers its way,
        // so the reference is made by the engine that holds the copy).
        String reference = Tables.fresh("s3-reference");
        Tables.putAll(LocalDynamo.client(), reference, items);
        assertEquals(digest(LocalDynamo.client(), reference), digest(LocalDynamo.client(), copy));

        // The same export picked up by its ARN, kept as its files in a folder.
        Matcher arn = Pattern.compile("(arn:aws:dynamodb:\\S+)").matcher(export.err());
        assertTrue(arn.find(), export::toString);
        Path folder = dir.resolve("files");
        var again = atMoto("export", "--export-arn", arn.group(1), "--download", "--file", folder + "/").run();
        assertEquals(0, again.exit(), again::toString);
        assertFalse(again.err().contains("Started"), "picked up, not started again: " + again);
        List<Path> data;
        try (Stream<Path> files = Files.list(folder.resolve("data"))) {
            data = files.toList();
        }
        assertEquals(1, data.size(), data::toString);
        assertEquals(40, ExportImportTest.lines(data.get(0)).size());
    }

    @Test
    void pointInTimeRecoveryOffIsOneLineWithTheCommandThatTurnsItOnAndNothingStarts() {
        String source = table("s3-nopitr", 1, false);
        var export = atMoto("export", "--table", source, "--s3", "s3://" + BUCKET + "/no-pitr").run();
        assertEquals(1, export.exit(), export::toString);
        assertEquals(1, export.err().lines().count(), export::toString);
        assertTrue(export.err().contains("Point-in-time recovery is off for table " + source), export::toString);
        assertTrue(export.err().contains("aws dynamodb update-continuous-backups --table-name " + source
                + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true"), export::toString);
        assertTrue(export.err().contains("$0.20"), "what it costs: " + export);
        assertEquals(List.of(), keys("no-pitr"));
        assertFalse(ddb.describeContinuousBackups(d -> d.tableName(source)).continuousBackupsDescription()
                .pointInTimeRecoveryDescription().pointInTimeRecoveryStatusAsString().equals("ENABLED"), "never turned on");
    }

    @Test
    void aBucketThatDoesNotExistIsOneLineAndNoExportStarts() {
        String source = table("s3-nobucket", 1, true);
        var export = atMoto("export", "--table", source, "--s3", "s3://no-such-bucket-here/x").run();
        assertEquals(1, export.exit(), export::toString);
        assertEquals("export: s3://no-such-bucket-here/x: no bucket 'no-such-bucket-here' (make it with: aws s3 mb "
                + "s3://no-such-bucket-here); nothing was started.", export.err());
        String arn = ddb.describeTable(d -> d.tableName(source)).table().tableArn();
        assertEquals(List.of(), ddb.listExports(l -> l.tableArn(arn)).exportSummaries(), "no export started");
    }

    @Test
    void anExportThatFailedIsOneLineWithItsReasonAndExit1() {
        String source = table("s3-failed", 1, true);
        String arn = ddb.describeTable(d -> d.tableName(source)).table().tableArn();
        // Started by another client to a bucket that is not there: moto (as AWS) fails it.
        String exportArn = ddb.exportTableToPointInTime(e -> e.tableArn(arn).s3Bucket("gone-bucket").s3Prefix("failed")).exportDescription().exportArn();
        var export = atMoto("export", "--export-arn", exportArn).run();
        assertEquals(1, export.exit(), export::toString);
        assertEquals("export: Export " + exportArn + " FAILED (S3NoSuchBucket): The specified bucket does not exist", export.err());
        assertEquals("", export.out());
    }

    @Test
    void ctrlCWhileWaitingLeavesTheExportRunningAndSaysHowToPickItUp() throws Exception {
        String source = table("s3-interrupt", 5, true);
        // An export that takes a while, as AWS's do: a front says IN_PROGRESS for as long as the test needs.
        try (Front slow = new Front(r -> {
            Front.Response up = Front.forward(moto.endpoint, r);
            // (moto may finish a small export before it answers the call that starts it: both answers are rewritten)
            if (!r.operation().equals("DescribeExport") && !r.operation().equals("ExportTableToPointInTime")) return up;
            Map<String, String> headers = new TreeMap<>(up.headers());
            headers.remove("x-amz-crc32");
            return new Front.Response(up.status(), headers, up.body().replace("\"COMPLETED\"", "\"IN_PROGRESS\""));
        })) {
            Path err = Files.createTempFile("s3-interrupt", ".err");
            ProcessBuilder pb = new ProcessBuilder(Cli.REPO.resolve("bin/ddb/export").toString(), "--table", source,
                    "--s3", "s3://" + BUCKET + "/interrupted", "--endpoint-url", slow.endpoint())
                    .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            for (String k : List.of("AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB")) pb.environment().remove(k);
            pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
            Process p = pb.start();
            long deadline = System.currentTimeMillis() + 120_000;
            while (!Files.readString(err).contains("Export IN_PROGRESS") && p.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(p.isAlive(), Files.readString(err));
            p.descendants().forEach(d -> sigint(d.pid()));
            sigint(p.pid());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended by Ctrl-C");
            String said = Cli.withoutJBangNoise(Files.readString(err));
            assertTrue(said.contains("Interrupted: the export keeps running in AWS"), said);
            Matcher resume = Pattern.compile("Pick it up with: bin/ddb/export --export-arn (\\S+)").matcher(said);
            assertTrue(resume.find(), said);

            // Picked up where it runs: it completes with the table's items.
            var picked = atMoto("export", "--export-arn", resume.group(1)).run();
            assertEquals(0, picked.exit(), picked::toString);
            assertTrue(picked.out().startsWith("Export COMPLETED: 5 items"), picked::toString);
        }
    }

    static void sigint(long pid) {
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(pid)).start().waitFor();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---- import --s3 (ImportTable) and s3:// paths ----

    @Test
    void importS3CreatesANewTableWithTheSameItemsAndS3PathsLoadIntoATable() throws Exception {
        String source = table("s3-import", items(30, true), true);
        // In prod (the word; AWS_ENDPOINT_URL sends DynamoDB and S3 to moto), with no terminal: an export writes no
        // table, so it asks nothing, and the guard lets its S3 reads (HeadBucket, ListObjectsV2, GetObject) through.
        var export = Cli.script("export", "--table", source, "--s3", "s3://" + BUCKET + "/for-import", "prod")
                .env("AWS_ENDPOINT_URL", moto.endpoint).env("AWS_REGION", "us-east-1")
                .env("AWS_ACCESS_KEY_ID", "prodtestkey").env("AWS_SECRET_ACCESS_KEY", "prodtestsecret").run();
        assertEquals(0, export.exit(), export::toString);
        String folder = folderOf(export);
        assertTrue(export.out().startsWith("Export COMPLETED: 30 items"), export::toString);

        String copy = LocalDynamo.uniqueTable("s3-imported");
        var imp = atMoto("import", "--s3", folder, "--table", copy, "--create", "--like", source, "--yes").run();
        assertEquals(0, imp.exit(), imp::toString);
        assertTrue(imp.err().startsWith("ImportTable only creates a new table"), "said before it starts: " + imp);
        assertEquals("Imported 30 items into " + copy + " by ImportTable (30 processed, 0 errors)", imp.out().strip());
        assertEquals(digest(ddb, source), digest(ddb, copy));

        var exists = atMoto("import", "--s3", folder, "--table", copy, "--create", "--yes").run();
        assertEquals(1, exists.exit(), exists::toString);
        assertTrue(exists.err().contains("Table '" + copy + "' already exists"), exists::toString);

        // The export's folder as FILE: its data files read from S3 as they stream in, into a table made here.
        String loaded = LocalDynamo.uniqueTable("s3-read");
        var read = atMoto("import", folder, "--table", loaded, "--create", "--like", source, "--yes").run();
        assertEquals(0, read.exit(), read::toString);
        assertTrue(read.out().contains("Imported 30 items into " + loaded), read::toString);
        assertEquals(digest(ddb, source), digest(ddb, loaded));
    }

    @Test
    void diffOfATableAgainstItsS3ExportIsEqualThenNamesTheOneChangedKey() {
        String table = table("s3-diff", items(20, true), true);
        var export = atMoto("export", "--table", table, "--s3", "s3://" + BUCKET + "/for-diff").run();
        assertEquals(0, export.exit(), export::toString);
        String folder = folderOf(export);

        // The live table against its export in S3, read where the table is (moto serves both), streamed.
        var equal = atMoto("diff", table, folder).run();
        assertEquals(0, equal.exit(), equal::toString);

        ddb.putItem(p -> p.tableName(table).item(Tables.item("MSG#s3-7", "2026-01-01T00:00:00.7", "edited")));
        var changed = atMoto("diff", table, folder, "-o", "jsonl").run();
        assertEquals(1, changed.exit(), changed::toString);
        List<String> lines = changed.out().lines().toList();
        assertEquals(2, lines.size(), "one changed key and the summary: " + changed);
        assertTrue(lines.get(0).contains("MSG#s3-7") && lines.get(0).contains("changed"), changed::toString);

        var missing = atMoto("diff", table, "s3://" + BUCKET + "/no-export-here/").run();
        assertEquals(2, missing.exit(), missing::toString);
        // After the table side's plan line (moto's table is on demand: paced to what it accepts), one line.
        List<String> err = missing.err().strip().lines().filter(l -> l.startsWith("diff: ")).toList();
        assertEquals(List.of("diff: s3://" + BUCKET + "/no-export-here/: no export there (no objects under it)"), err,
                missing::toString);
    }

    @Test
    void aPrefixWithNoExportIsOneLineAndNothingIsCreated() {
        s3.putObject(p -> p.bucket(BUCKET).key("not-an-export/readme.txt"), RequestBody.fromString("hello"));
        String table = LocalDynamo.uniqueTable("s3-none");
        var imp = atMoto("import", "--s3", "s3://" + BUCKET + "/not-an-export/", "--table", table, "--create").run();
        assertEquals(1, imp.exit(), imp::toString);
        assertTrue(imp.err().endsWith("import: s3://" + BUCKET + "/not-an-export/: no DynamoDB export there (no "
                + "AWSDynamoDB/EXPORT_ID/ folder)"), imp::toString);
        var read = atMoto("import", "s3://" + BUCKET + "/nothing-at-all/", "--table", table, "--create").run();
        assertEquals(1, read.exit(), read::toString);
        assertEquals("import: s3://" + BUCKET + "/nothing-at-all/: no export there (no objects under it)", read.err());
        assertFalse(exists(table), "no table made");
    }

    @Test
    void awsDocumentedLayoutWithManifestsIsReadThroughItsManifest() throws Exception {
        // moto writes no manifests; AWS's documented layout (S3DataExport.Output), put into moto's S3 as a fixture:
        // manifest-summary.json names manifest-files.json (a key relative to the export prefix, as in AWS's sample),
        // which names each data file (either form); an empty partition's file is empty; _started marks the start.
        String id = "01234567890123-a1b2c3d4", root = "documented/AWSDynamoDB/" + id + "/";
        put(root + "_started", new byte[0]);
        put(root + "manifest-summary.json", ("{\"version\": \"2020-06-30\", \"exportArn\": \"arn:aws:dynamodb:us-east-1:"
                + "123456789012:table/ProductCatalog/export/" + id + "\", \"s3Bucket\": \"" + BUCKET + "\", \"s3Prefix\": "
                + "\"documented\", \"s3SseAlgorithm\": \"AES256\", \"s3SseKmsKeyId\": null, \"manifestFilesS3Key\": "
                + "\"AWSDynamoDB/" + id + "/manifest-files.json\", \"billedSizeBytes\": 0, \"itemCount\": 3, "
                + "\"outputFormat\": \"DYNAMODB_JSON\"}").getBytes(StandardCharsets.UTF_8));
        put(root + "manifest-files.json", String.join("\n",
                "{\"itemCount\":2,\"md5Checksum\":\"x\",\"etag\":\"y\",\"dataFileS3Key\":\"AWSDynamoDB/" + id + "/data/aaaa.json.gz\"}",
                "{\"itemCount\":1,\"md5Checksum\":\"x\",\"etag\":\"y\",\"dataFileS3Key\":\"" + root + "data/bbbb.json.gz\"}",
                "{\"itemCount\":0,\"md5Checksum\":\"x\",\"etag\":\"y\",\"dataFileS3Key\":\"" + root + "data/cccc.json.gz\"}")
                .getBytes(StandardCharsets.UTF_8));
        put(root + "data/aaaa.json.gz", gzip(ExportImportTest.line(1) + ExportImportTest.line(2)));
        put(root + "data/bbbb.json.gz", gzip(ExportImportTest.line(3)));
        put(root + "data/cccc.json.gz", new byte[0]);
        put(root + "data/zzzz-not-in-the-manifest.json.gz", gzip(ExportImportTest.line(4)));

        String table = LocalDynamo.uniqueTable("s3-documented");
        var imp = atMoto("import", "s3://" + BUCKET + "/documented/", "--table", table, "--create", "--yes").run();
        assertEquals(0, imp.exit(), imp::toString);
        assertTrue(imp.out().contains("Imported 3 items into " + table), "the manifest's files, not the stray one: " + imp);
        assertEquals(3, LocalDynamo.scanAll(ddb, table).size());
    }

    static void put(String key, byte[] bytes) {
        s3.putObject(p -> p.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    static byte[] gzip(String text) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var g = new GZIPOutputStream(out)) {
            g.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    // ---- usage ----

    @Test
    void s3OptionsOutOfPlaceAreUsageErrors() {
        var download = Cli.script("export", "--download").run();
        assertEquals(2, download.exit(), download::toString);
        assertTrue(download.err().startsWith("export: --download and --export-time need --s3 or --export-arn"), download::toString);
        var bucket = Cli.script("export", "--s3", "s3://AB/x").run();
        assertEquals(2, bucket.exit(), bucket::toString);
        assertTrue(bucket.err().startsWith("export: --s3 's3://AB/x': 'AB' is not an S3 bucket name"), bucket::toString);
        // DynamoDB writes an S3 export's files itself, unmasked: --mask there is refused before anything starts.
        var masked = atMoto("export", "--s3", "s3://" + BUCKET + "/masked", "--mask").run();
        assertEquals(2, masked.exit(), masked::toString);
        assertTrue(masked.err().startsWith("export: --mask works on the items this script writes"), masked::toString);
        assertEquals(List.of(), keys("masked"), "no export started");
        var create = Cli.script("import", "--s3", "s3://" + BUCKET + "/x/", "--table", "abc").run();
        assertEquals(2, create.exit(), create::toString);
        assertTrue(create.err().startsWith("import: --s3 needs --create: ImportTable only creates a new table"), create::toString);
    }
}
