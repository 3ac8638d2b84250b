package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** export and import: the round trip is lossless (proven by digest), S3 exports load as they are, bad input writes nothing. */
class ExportImportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BIG = "12345678901234567890123456789012345678"; // 38 digits: a double keeps 17
    final DynamoDbClient ddb = LocalDynamo.client();

    // ---- the test's own DynamoDB JSON and digest, independent of the scripts under test ----

    /** An item as DynamoDB JSON with names sorted and set members sorted (sets have no order): equal items, equal text. */
    static ObjectNode canonical(Map<String, AttributeValue> item) {
        ObjectNode out = JSON.createObjectNode();
        new TreeMap<>(item).forEach((k, v) -> out.set(k, canonical(v)));
        return out;
    }

    static ObjectNode canonical(AttributeValue v) {
        ObjectNode out = JSON.createObjectNode();
        switch (v.type()) {
            case S -> out.put("S", v.s());
            case N -> out.put("N", v.n());
            case B -> out.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
            case BOOL -> out.put("BOOL", v.bool());
            case NUL -> out.put("NULL", true);
            case SS -> v.ss().stream().sorted().forEach(out.putArray("SS")::add);
            case NS -> v.ns().stream().sorted().forEach(out.putArray("NS")::add);
            case BS -> v.bs().stream().map(b -> Base64.getEncoder().encodeToString(b.asByteArray())).sorted().forEach(out.putArray("BS")::add);
            case M -> out.set("M", canonical(v.m()));
            case L -> { ArrayNode l = out.putArray("L"); v.l().forEach(x -> l.add(canonical(x))); }
            default -> throw new AssertionError(v);
        }
        return out;
    }

    record Digest(long items, String sha256) {}

    /** SHA-256 of every item's canonical DynamoDB JSON, one per line, lines sorted; read through the SDK. */
    Digest digest(String table) throws Exception {
        List<String> lines = new ArrayList<>();
        ddb.scanPaginator(r -> r.tableName(table)).items().forEach(i -> lines.add(canonical(i).toString()));
        lines.sort(null);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String l : lines) sha.update((l + "\n").getBytes(StandardCharsets.UTF_8));
        return new Digest(lines.size(), HexFormat.of().formatHex(sha.digest()));
    }

    static List<String> lines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length > 1 && bytes[0] == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            bytes = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
        }
        return new String(bytes, StandardCharsets.UTF_8).lines().toList();
    }

    static Map<String, AttributeValue> everyType(String pk) {
        Map<String, AttributeValue> item = new HashMap<>(Tables.item(pk, "2026-01-01T00:00:00.000000+00:00", "every type: é ✓ \"quoted\"\n"));
        item.put("big", AttributeValue.fromN(BIG));
        item.put("tiny", AttributeValue.fromN("-0.00000000000000000000000000000000000001"));
        item.put("exp", AttributeValue.fromN("1E+125"));
        item.put("bin", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, 2, (byte) 0xff})));
        item.put("yes", AttributeValue.fromBool(true));
        item.put("no", AttributeValue.fromBool(false));
        item.put("nothing", AttributeValue.fromNul(true));
        item.put("ss", AttributeValue.fromSs(List.of("b", "a", "c")));
        item.put("ns", AttributeValue.fromNs(List.of("3", BIG, "-1.5")));
        item.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {1}), SdkBytes.fromByteArray(new byte[] {(byte) 0xfe, 0}))));
        item.put("emptyMap", AttributeValue.fromM(Map.of()));
        item.put("emptyList", AttributeValue.fromL(List.of()));
        item.put("emptyString", AttributeValue.fromS(""));
        item.put("nested", AttributeValue.fromM(Map.of("list", AttributeValue.fromL(List.of(AttributeValue.fromN("1"),
                AttributeValue.fromM(Map.of("deeper", AttributeValue.fromL(List.of(AttributeValue.fromNul(true), AttributeValue.fromSs(List.of("x")))))),
                AttributeValue.fromL(List.of()), AttributeValue.fromM(Map.of()))), "n", AttributeValue.fromN(BIG))));
        return item;
    }

    // ---- round trips ----

    @Test
    void everyAttributeTypeSurvivesTheRoundTripByteForByte() throws Exception {
        String source = Tables.fresh("export-types");
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < 30; i++) items.add(everyType("MSG#types-" + i));
        Tables.putAll(ddb, source, items);
        Path dir = Files.createTempDirectory("export");
        for (String name : List.of("items.json", "items.json.gz")) {
            Path file = dir.resolve(name);
            var export = Cli.local("export", "--table", source, "--file", file.toString()).run();
            assertEquals(0, export.exit(), export::toString);
            assertTrue(export.err().contains("Exported 30 items from " + source), export::toString);
            assertEquals("", export.out(), "data went to the file");
            List<String> lines = lines(file);
            assertEquals(30, lines.size());
            JsonNode first = JSON.readTree(lines.get(0));
            assertEquals(List.of("Item"), iterable(first.fieldNames()), "one Item per line, as DynamoDB's export");
            assertEquals(BIG, first.get("Item").get("big").get("N").textValue(), "38 digits, as a string");
            assertTrue(lines.get(0).contains("\"big\":{\"N\":\"" + BIG + "\"}"), lines.get(0));
            assertEquals(canonical(items.get(0)).get("nested"), canonical(Map.of("x", fromExport(first.get("Item").get("nested")))).get("x"));

            String copy = LocalDynamo.uniqueTable("import-types");
            var imp = Cli.local("import", "--table", copy, "--create", file.toString()).run();
            assertEquals(0, imp.exit(), imp::toString);
            assertTrue(imp.out().contains("Imported 30 items into " + copy), imp::toString);
            assertEquals(digest(source), digest(copy));

            // Export of the copy: the same lines, byte for byte.
            Path again = dir.resolve("again-" + name);
            assertEquals(0, Cli.local("export", "--table", copy, "--file", again.toString()).run().exit());
            assertEquals(lines.stream().sorted().toList(), lines(again).stream().sorted().toList());
        }
        assertTrue(lines(dir.resolve("items.json.gz")).size() == 30 && Files.readAllBytes(dir.resolve("items.json.gz"))[0] == 0x1f, ".gz is gzipped");
    }

    static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    /** The test's own reading of one DynamoDB JSON value. */
    static AttributeValue fromExport(JsonNode v) {
        String type = v.fieldNames().next();
        JsonNode x = v.get(type);
        return switch (type) {
            case "S" -> AttributeValue.fromS(x.textValue());
            case "N" -> AttributeValue.fromN(x.textValue());
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(x.textValue())));
            case "BOOL" -> AttributeValue.fromBool(x.booleanValue());
            case "NULL" -> AttributeValue.fromNul(true);
            case "SS" -> AttributeValue.fromSs(iterable(x.elements()).stream().map(JsonNode::textValue).toList());
            case "NS" -> AttributeValue.fromNs(iterable(x.elements()).stream().map(JsonNode::textValue).toList());
            case "BS" -> AttributeValue.fromBs(iterable(x.elements()).stream().map(b -> SdkBytes.fromByteArray(Base64.getDecoder().decode(b.textValue()))).toList());
            case "M" -> { Map<String, AttributeValue> m = new HashMap<>(); x.fields().forEachRemaining(e -> m.put(e.getKey(), fromExport(e.getValue()))); yield AttributeValue.fromM(m); }
            case "L" -> AttributeValue.fromL(iterable(x.elements()).stream().map(ExportImportTest::fromExport).toList());
            default -> throw new AssertionError(type);
        };
    }

    /**
     * A synthetic seed, exported through a pipe into another table and to a gzipped file into a third: the same
     * digest everywhere. 5,000 items by default; -Dexport.conversations=1000 is the 100,000 (minutes on a busy machine).
     */
    @Test
    void aSyntheticSeedRoundTripsThroughAPipeAndAFile() throws Exception {
        int conversations = Integer.getInteger("export.conversations", 50);
        String source = Tables.fresh("export-seed");
        var seed = Cli.local("seed", "--table", source, "--synthetic", "--conversations", String.valueOf(conversations),
                "--messages", "98", "--now", "2026-11-24T04:15:31.123456+00:00").run();
        assertEquals(0, seed.exit(), seed::toString);
        Digest want = digest(source);
        assertEquals(conversations * 100L, want.items());

        Path file = Files.createTempDirectory("export").resolve("seed.json.gz");
        var export = Cli.local("export", "--table", source, "--file", file.toString()).run();
        assertEquals(0, export.exit(), export::toString);
        String copy = LocalDynamo.uniqueTable("import-seed");
        var imp = Cli.local("import", "--table", copy, "--create", file.toString()).run();
        assertEquals(0, imp.exit(), imp::toString);
        System.out.println("round trip of " + want.items() + " items: " + export.err().lines().reduce((a, b) -> b).orElse("") + "; "
                + imp.err().lines().reduce((a, b) -> b).orElse(""));
        assertEquals(want, digest(copy));

        String piped = Tables.fresh("import-pipe");
        String endpoint = LocalDynamo.endpoint();
        var pipe = Cli.executable(Path.of("bash"), "-c", "set -o pipefail; \"$1\" --table \"$2\" --endpoint-url \"$4\" | \"$3\" --table \"$5\" --endpoint-url \"$4\" -",
                "pipe", Cli.REPO.resolve("bin/ddb/export").toString(), source, Cli.REPO.resolve("bin/ddb/import").toString(), endpoint, piped).run();
        assertEquals(0, pipe.exit(), pipe::toString);
        assertEquals(want, digest(piped));
    }

    /** DynamoDB's S3 export layout: AWSDynamoDB/<export id>/manifest-*.json and data/<id>.json.gz of {"Item": ...} lines. */
    @Test
    void filesOfAnS3ExportImportAsTheyAre() throws Exception {
        Path export = Files.createTempDirectory("s3").resolve("AWSDynamoDB/01700000000000-a1b2c3d4");
        Path data = Files.createDirectories(export.resolve("data"));
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        List<String> dataFiles = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            String name = "data/" + List.of("vfbtnptcsu7fvbxqvlpqjhfzsm", "fhq3mrn4tq6whllxqgc2mapkfu", "2ctjxlsyrq5bbkqhgcj2yiwk4m").get(f) + ".json.gz";
            dataFiles.add(name);
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(export.resolve(name)))) {
                for (int i = 0; i < 40; i++) {
                    var item = f == 0 && i == 0 ? everyType("MSG#s3-export") : Tables.item("MSG#s3-" + f, String.format("2026-01-01T00:00:%02d.000000+00:00", i), "from S3 " + f + "/" + i);
                    item.remove("exp"); // DynamoDB stores 1E+125 as its 126 digits: the comparison below is of text
                    items.add(item);
                    // As DynamoDB writes them: {"Item":{...}} and a newline, members in no particular order.
                    out.write(("{\"Item\":" + canonical(item) + "}\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        Files.writeString(export.resolve("manifest-summary.json"), "{\"version\":\"2020-06-30\",\"exportArn\":\"arn:aws:dynamodb:us-east-1:123456789012:table/cruddur-messages/export/01700000000000-a1b2c3d4\","
                + "\"itemCount\":120,\"outputFormat\":\"DYNAMODB_JSON\",\"exportType\":\"FULL_EXPORT\"}");
        StringBuilder manifest = new StringBuilder();
        for (String name : dataFiles) manifest.append("{\"itemCount\":40,\"dataFileS3Key\":\"AWSDynamoDB/01700000000000-a1b2c3d4/").append(name).append("\"}\n");
        Files.writeString(export.resolve("manifest-files.json"), manifest);

        String table = Tables.fresh("import-s3");
        List<String> args = new ArrayList<>(List.of("--table", table));
        dataFiles.forEach(n -> args.add(export.resolve(n).toString()));
        var r = Cli.local("import", args.toArray(String[]::new)).run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Imported 120 items"), r::toString);
        assertTrue(r.err().contains("Plan: 120 items from 3 files into " + table), r::toString);
        Map<String, String> want = new TreeMap<>();
        items.forEach(i -> want.put(i.get("pk").s() + "|" + i.get("sk").s(), canonical(i).toString()));
        Map<String, String> got = new TreeMap<>();
        Tables.snapshot(ddb, table).forEach((k, v) -> got.put(k, canonical(v).toString()));
        assertEquals(want, got);
    }

    @Test
    void createTakesTheKeyFromLikeOrFromTheItems() throws Exception {
        String model = LocalDynamo.uniqueTable("import-model");
        var schema = Cli.local("schema-load", "--table", model, "--billing-mode", "PAY_PER_REQUEST", "--gsi").run();
        assertEquals(0, schema.exit(), schema::toString);
        Path file = Files.createTempFile("import", ".json");
        Files.writeString(file, "{\"Item\":{\"pk\":{\"S\":\"MSG#g\"},\"sk\":{\"S\":\"2026\"},\"message_group_uuid\":{\"S\":\"g\"}}}\n");
        String like = LocalDynamo.uniqueTable("import-like");
        var r = Cli.local("import", "--table", like, "--create", "--like", model, file.toString()).run();
        assertEquals(0, r.exit(), r::toString);
        var created = ddb.describeTable(d -> d.tableName(like)).table();
        assertEquals("message-group-sk-index", created.globalSecondaryIndexes().get(0).indexName());
        assertEquals(1, LocalDynamo.scanAll(ddb, like).size());

        Path numbers = Files.createTempFile("import", ".json");
        Files.writeString(numbers, "{\"Item\":{\"pk\":{\"N\":\"" + BIG + "\"},\"other\":{\"S\":\"x\"}}}\n");
        String inferred = LocalDynamo.uniqueTable("import-inferred");
        var n = Cli.local("import", "--table", inferred, "--create", numbers.toString()).run();
        assertEquals(0, n.exit(), n::toString);
        var key = ddb.describeTable(d -> d.tableName(inferred)).table();
        assertEquals(List.of("pk"), key.keySchema().stream().map(k -> k.attributeName()).toList(), "no sk in the item: a hash key only");
        assertEquals("N", key.attributeDefinitions().get(0).attributeTypeAsString());
        assertEquals(BIG, LocalDynamo.scanAll(ddb, inferred).get(0).get("pk").n());

        var missing = Cli.local("import", "--table", LocalDynamo.uniqueTable("import-missing"), file.toString()).run();
        assertEquals(1, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("not found") && missing.err().contains("--create"), missing::toString);
    }

    // ---- faults ----

    @Test
    void throughFaultsAndAProvisionedTableEveryItemLandsOnce() throws Exception {
        String source = Tables.fresh("export-faults");
        var seed = Cli.local("seed", "--table", source, "--synthetic", "--users", "5", "--conversations", "10", "--messages", "48").run();
        assertEquals(0, seed.exit(), seed::toString);
        Path file = Files.createTempDirectory("export").resolve("faults.json");
        try (FaultProxy proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(new FaultProxy.Rule("Scan", FaultProxy.Fault.THROTTLING, 2),
                new FaultProxy.Rule("Scan", FaultProxy.Fault.DROP_CONNECTION, 3)))) {
            var export = Cli.script("export", "--table", source, "--file", file.toString(), "--endpoint-url", proxy.endpoint()).run();
            assertEquals(0, export.exit(), export::toString);
            assertTrue(proxy.injected(FaultProxy.Fault.DROP_CONNECTION) > 0, proxy::report);
        }
        assertEquals(500, lines(file).size(), "every item once");
        String faults = Tables.fresh("import-faults");
        try (FaultProxy proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.UNPROCESSED_ITEMS, 2),
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.PROVISIONED_THROUGHPUT_EXCEEDED, 5),
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.THROTTLING, 7),
                new FaultProxy.Rule("BatchWriteItem", FaultProxy.Fault.DROP_CONNECTION, 11)))) {
            var r = Cli.script("import", "--table", faults, file.toString(), "--endpoint-url", proxy.endpoint()).run();
            System.out.println("import through the fault proxy: " + proxy.report());
            assertEquals(0, r.exit(), r::toString);
            assertTrue(proxy.injected(FaultProxy.Fault.UNPROCESSED_ITEMS) > 0 && proxy.injected(FaultProxy.Fault.DROP_CONNECTION) > 0, proxy::report);
        }
        assertEquals(digest(source), digest(faults));
        String provisioned = Tables.fresh("import-wcu");
        try (FaultProxy proxy = FaultProxy.capacity(LocalDynamo.endpoint(), 100)) {
            var r = Cli.script("import", "--table", provisioned, file.toString(), "--endpoint-url", proxy.endpoint(), "--yes").run();
            System.out.println("import at 100 WCU: " + proxy.report());
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.err().contains("at 100 WCU about 6 s"), "paced to the table: " + r);
            assertTrue(proxy.throttledCalls.get() * 4 <= proxy.writeCalls.get(), "at most a quarter of the calls refused: " + proxy.report());
        }
        assertEquals(digest(source), digest(provisioned));
    }

    // ---- bad input: one line naming file and line, the table unchanged ----

    void assertRejected(Path file, String expected) {
        String table = Tables.fresh("import-bad");
        Tables.putAll(ddb, table, List.of(Tables.item("MSG#existing", "2026-01-01T00:00:00.000000+00:00", "before")));
        var before = Tables.snapshot(ddb, table);
        var r = Cli.local("import", "--table", table, file.toString()).run();
        assertEquals(1, r.exit(), r::toString);
        assertEquals(1, r.err().lines().count(), "one line: " + r);
        assertTrue(r.err().startsWith("import: " + file + ":" + expected), "expected '" + expected + "' in:\n" + r);
        assertTrue(r.err().endsWith("nothing was written."), r::toString);
        assertEquals(before, Tables.snapshot(ddb, table), "table unchanged");
    }

    static String line(int i) {
        return "{\"Item\":{\"pk\":{\"S\":\"MSG#bad\"},\"sk\":{\"S\":\"" + i + "\"},\"message\":{\"S\":\"line " + i + "\"}}}\n";
    }

    static Path file(String name, String text) throws IOException {
        Path f = Files.createTempDirectory("bad").resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aMalformedLineThreeIsNamed() throws Exception {
        assertRejected(file("bad.json", line(1) + line(2) + line(3).replace("}}}", "}}") + line(4)), "3: malformed JSON");
    }

    @Test
    void aTruncatedGzipNamesTheLineItEndsIn() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(all)) {
            for (int i = 1; i <= 2000; i++) gz.write(line(i).getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = all.toByteArray();
        Path file = Files.createTempDirectory("bad").resolve("cut.json.gz");
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        String table = Tables.fresh("import-cut");
        var r = Cli.local("import", "--table", table, file.toString()).run();
        assertEquals(1, r.exit(), r::toString);
        // The line named is the one after the last complete line the cut file holds.
        int complete = 0;
        try (var in = new GZIPInputStream(Files.newInputStream(file))) {
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) for (int i = 0; i < n; i++) if (buffer[i] == '\n') complete++;
        } catch (java.io.EOFException e) {
            // where the gzip ends
        }
        assertTrue(complete > 100, "complete lines before the cut: " + complete);
        assertTrue(r.err().matches("import: " + java.util.regex.Pattern.quote(file.toString()) + ":(\\d+): the file ends in the middle of this line \\(a truncated gzip\\); nothing was written\\.\\s*"), r::toString);
        int named = Integer.parseInt(r.err().replaceAll("(?s).*\\.gz:(\\d+):.*", "$1"));
        assertEquals(complete + 1, named, "the line after the last complete one");
        assertTrue(LocalDynamo.scanAll(ddb, table).isEmpty());
    }

    @Test
    void aMissingKeyAttributeOrItemIsNamed() throws Exception {
        assertRejected(file("nokey.json", line(1) + line(2).replaceAll(",\"sk\":\\{\"S\":\"2\"\\}", "")), "2: the item has no key attribute 'sk'");
        assertRejected(file("noitem.json", line(1) + "{\"Keys\":{\"pk\":{\"S\":\"x\"}}}\n"), "2: no \"Item\" on the line");
        assertRejected(file("type.json", line(1).replace("\"sk\":{\"S\":\"1\"}", "\"sk\":{\"N\":\"1\"}")), "1: key attribute 'sk' is N, the table's key is S");
        assertRejected(file("number.json", line(1) + line(2).replace("\"message\":{\"S\":\"line 2\"}", "\"n\":{\"N\":\"1.2.3\"}")), "2: '1.2.3' is not a number");
        assertRejected(file("float.json", line(1).replace("\"message\":{\"S\":\"line 1\"}", "\"n\":{\"N\":12.5}")), "1: malformed JSON: expected a string");
        assertRejected(file("unknown.json", line(1).replace("\"message\":{\"S\"", "\"message\":{\"X\"")), "1: malformed JSON: unknown type \"X\"");
        // Sized as DynamoDB does (names and values in UTF-8 bytes): 410,019 bytes is a 401st started KB.
        assertRejected(file("big.json", line(1) + line(2).replace("line 2", "x".repeat(410_000 - 6) + "line 2")),
                "2: the item is 401 KB, over DynamoDB's 400 KB");
    }

    @Test
    void stdinStopsAtTheBadLineWithTheCountAndARerunCompletesIt() throws Exception {
        String table = Tables.fresh("import-stdin");
        StringBuilder good = new StringBuilder();
        for (int i = 1; i <= 60; i++) good.append(line(i));
        String bad = good.toString().replace(line(51), "{\"Item\": not json\n");
        var r = Cli.local("import", "--table", table, "-").stdin(bad).run();
        assertEquals(1, r.exit(), r::toString);
        String last = r.err().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("import: stdin:51: malformed JSON"), r::toString);
        assertTrue(last.contains("the 50 items before it were written. Run import again to complete it"), r::toString);
        assertEquals(50, LocalDynamo.scanAll(ddb, table).size(), "the count said is the count written");
        var again = Cli.local("import", "--table", table, "-").stdin(good.toString()).run();
        assertEquals(0, again.exit(), again::toString);
        assertEquals(60, LocalDynamo.scanAll(ddb, table).size(), "completed, nothing twice");
    }

    // ---- interruptions and prod ----

    @Test
    void ctrlCDuringExportLeavesNoCompleteLookingFile() throws Exception {
        String source = Tables.fresh("export-interrupt");
        List<Map<String, AttributeValue>> big = new ArrayList<>();
        for (int i = 0; i < 40; i++) big.add(Tables.item("MSG#big", String.format("%02d", i), "x".repeat(350_000)));
        Tables.putAll(ddb, source, big);
        Path dir = Files.createTempDirectory("export");
        Path file = dir.resolve("items.json.gz");
        // Items of 350 KB, three to a 1 MB page, and every page 300 ms late: slow enough to be interrupted mid-way.
        try (FaultProxy proxy = new FaultProxy(LocalDynamo.endpoint(), List.of(new FaultProxy.Rule("Scan", FaultProxy.Fault.DELAY, 1)))) {
            Path err = Files.createTempFile("export", ".err");
            Process p = new ProcessBuilder(Cli.REPO.resolve("bin/ddb/export").toString(), "--table", source, "--file", file.toString(),
                    "--segments", "1", "--endpoint-url", proxy.endpoint()).redirectError(err.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (proxy.calls("Scan") < 3 && System.nanoTime() < deadline) Thread.sleep(20);
            try (Stream<Path> files = Files.list(dir)) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".partial")), "writing under a temporary name");
            }
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String stderr = Files.readString(err);
            assertEquals(130, p.exitValue(), stderr);
            assertTrue(stderr.contains("Interrupted after") && stderr.contains("items.json.gz not written"), stderr);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "neither the file nor a partial one");
        }
    }

    @Test
    void prodImportAsksForConfirmationAndReplaceEmptiesTheTableFirst() throws Exception {
        String table = Tables.fresh("import-prod");
        Tables.putAll(ddb, table, List.of(Tables.item("MSG#stale", "2026-01-01T00:00:00.000000+00:00", "goes with --replace")));
        Path file = file("items.json", line(1) + line(2));
        var before = Tables.snapshot(ddb, table);
        var refused = Cli.script("import", "--table", table, "--replace", file.toString(), "prod").prodAtLocal().run();
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("Refusing to replace every item of " + table + " in prod without confirmation: pass --yes"), refused::toString);
        assertEquals(before, Tables.snapshot(ddb, table), "nothing deleted, nothing written");
        var plain = Cli.script("import", "--table", table, file.toString(), "prod").prodAtLocal().run();
        assertEquals(1, plain.exit(), plain::toString);
        assertTrue(plain.err().contains("Refusing to import into " + table + " in prod"), plain::toString);
        assertEquals(before, Tables.snapshot(ddb, table));

        var yes = Cli.script("import", "--table", table, "--replace", "--max-rcu", "5", "--yes", file.toString(), "prod")
                .prodAtLocal().run();
        assertEquals(0, yes.exit(), yes::toString);
        assertTrue(yes.err().contains("at prod"), yes::toString);
        assertTrue(yes.out().contains("Imported 2 items into " + table + " (1 items deleted first)"), yes::toString);
        assertEquals(List.of("MSG#bad|1", "MSG#bad|2"), List.copyOf(Tables.snapshot(ddb, table).keySet()));
    }

    @Test
    void usageErrors() throws Exception {
        for (String[] args : List.of(new String[] {}, new String[] {"-", "file.json"}, new String[] {"--like", "x", "f.json"},
                new String[] {"--threads", "0", "f.json"})) {
            var r = Cli.local("import", args).run();
            assertEquals(2, r.exit(), r::toString);
        }
        var rcuAlone = Cli.local("import", "--max-rcu", "5", "f.json").run();
        assertEquals(2, rcuAlone.exit(), rcuAlone::toString);
        assertTrue(rcuAlone.err().startsWith("import: --max-rcu needs --replace"), rcuAlone::toString);
        var rcuZero = Cli.local("import", "--replace", "--max-rcu", "0", "f.json").run();
        assertEquals(2, rcuZero.exit(), rcuZero::toString);
        assertTrue(rcuZero.err().startsWith("import: --max-rcu must be at least 1"), rcuZero::toString);
        var segments = Cli.local("export", "--segments", "0").run();
        assertEquals(2, segments.exit(), segments::toString);
        var folder = Cli.local("export", "--file", "/nonexistent/dir/items.json").run();
        assertEquals(1, folder.exit(), folder::toString);
        assertTrue(folder.err().contains("No folder /nonexistent/dir"), folder::toString);
        assertFalse(Files.exists(Path.of("/nonexistent/dir")));
    }

    /** -o/--output names a format in every script; export's -o FILE of the last release still works, with a note. */
    @Test
    void exportsOldDashOFileStillWritesTheFileWithANoteButNeverTakesAFormatName() throws Exception {
        String source = Tables.fresh("export-old-o");
        Tables.putAll(ddb, source, List.of(Tables.item("MSG#old", "2026-01-01T00:00:00.000000+00:00", "old spelling")));
        Path file = Files.createTempDirectory("export").resolve("old.json");
        var old = Cli.local("export", "--table", source, "-o", file.toString()).run();
        assertEquals(0, old.exit(), old::toString);
        assertEquals(1, lines(file).size(), "the file it names, as before");
        assertEquals("export: note: -o/--output FILE is now --file FILE (-o names an output format in every other "
                + "script); -o FILE will stop working in the next release.", old.err().lines().findFirst().orElse(""), old::toString);

        Path cwd = Files.createTempDirectory("export-cwd");
        for (String format : List.of("json", "jsonl", "dynamodb-json")) {
            var r = Cli.local("export", "--table", source, "-o", format).in(cwd).run();
            assertEquals(2, r.exit(), r::toString);
            assertTrue(r.err().startsWith("export: -o/--output '" + format + "': export writes DynamoDB's export format only; "
                    + "--file FILE says where to write it"), r::toString);
        }
        var both = Cli.local("export", "--table", source, "--file", file.toString(), "-o", "other.json").in(cwd).run();
        assertEquals(2, both.exit(), both::toString);
        try (Stream<Path> files = Files.list(cwd)) {
            assertEquals(List.of(), files.toList(), "no file named after a format");
        }
    }

    /**
     * The table deleted while an import writes to it: the writes fail, and that failure is all the user reads. Before,
     * the Ctrl-C note stayed registered past the failure and the exit printed "Interrupted after N items written".
     */
    @Test
    void aTableDeletedMidImportGivesTheFailureOnlyAndNothingClaimsSuccess() throws Exception {
        String table = Tables.fresh("import-deleted");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 3000; i++) text.append(line(i));
        Path file = file("many.json", text.toString());
        // 100 WCU: about 30 s of writes, time to delete the table in the middle.
        try (FaultProxy proxy = FaultProxy.capacity(LocalDynamo.endpoint(), 100)) {
            Path out = Files.createTempFile("import", ".out"), err = Files.createTempFile("import", ".err");
            Process p = new ProcessBuilder(Cli.REPO.resolve("bin/ddb/import").toString(), "--table", table, file.toString(),
                    "--endpoint-url", proxy.endpoint(), "--yes") // the front's ARN names a real account
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (ddb.scan(s -> s.tableName(table).select("COUNT")).count() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            ddb.deleteTable(d -> d.tableName(table));
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "import ends");
            String stderr = Cli.withoutJBangNoise(Files.readString(err));
            assertEquals(1, p.exitValue(), stderr);
            assertFalse(stderr.contains("Interrupted"), "a failure is not a Ctrl-C: " + stderr);
            assertFalse(stderr.contains("Wrote "), "no summary of a load that failed: " + stderr);
            assertEquals("", Files.readString(out), "nothing on stdout claims success");
            String last = stderr.lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("import: Table '" + table + "' not found at "), stderr);
            assertEquals(1, stderr.lines().filter(l -> l.startsWith("import: ")).count(), "one failure line: " + stderr);
        }
    }
}
