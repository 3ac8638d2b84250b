package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** diff: equal sides exit 0; exactly the added, removed and changed keys exit 1; bad sides and lines exit 2. */
class DiffTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static String table;
    static Path dir, exported;
    static List<String> lines;

    @BeforeAll
    static void seededAndExported() throws Exception {
        table = Tables.fresh("diff");
        var seed = Cli.local("seed", "--table", table).run();
        assertEquals(0, seed.exit(), seed::toString);
        dir = Files.createTempDirectory("diff");
        exported = dir.resolve("table.json");
        var export = Cli.local("export", "--table", table, "--file", exported.toString()).run();
        assertEquals(0, export.exit(), export::toString);
        lines = ExportImportTest.lines(exported);
    }

    static void write(Path file, List<String> content) throws Exception {
        Files.createDirectories(file.getParent());
        byte[] bytes = (String.join("\n", content) + "\n").getBytes(StandardCharsets.UTF_8);
        if (!file.toString().endsWith(".gz")) {
            Files.write(file, bytes);
            return;
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
    }

    @Test
    void equalSidesExitZero() throws Exception {
        var file = Cli.local("diff", table, exported.toString()).run();
        assertEquals(0, file.exit(), file::toString);
        assertEquals("Equal: " + lines.size() + " items in " + table + " and " + exported + "\n", file.out());
        // a copy at "another" endpoint (the same server, named through --right-endpoint-url)
        String copy = Tables.fresh("diff-copy");
        Tables.putAll(LocalDynamo.client(), copy, LocalDynamo.scanAll(LocalDynamo.client(), table));
        var tables = Cli.local("diff", table, copy, "--right-endpoint-url", LocalDynamo.endpoint()).run();
        assertEquals(0, tables.exit(), tables::toString);
    }

    /** Issue 20's read share: `diff prod` reads its table side as scan and export do, at half the table's RCU. */
    @Test
    void aProdTableSideIsReadAtTheShareAndStillComparesEqual() throws Exception {
        try (CapacityFront front = CapacityFront.provisioned(LocalDynamo.endpoint(), 20, 20)) {
            var r = Cli.script("diff", table, exported.toString(), "prod").prodAtLocal()
                    .env("AWS_ENDPOINT_URL_DYNAMODB", front.endpoint()).run();
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.err().contains("at 10 of the table's 20 RCU (a 50% share)"), "the plan says so: " + r.err());
        }
        // The table is 3.5 read units: too small to see a share of 20 RCU, so a pace it can see: 1 RCU.
        try (CapacityFront front = CapacityFront.provisioned(LocalDynamo.endpoint(), 20, 20)) {
            var slow = Cli.script("diff", table, exported.toString(), "prod", "--max-rcu", "1").prodAtLocal()
                    .env("AWS_ENDPOINT_URL_DYNAMODB", front.endpoint()).run();
            assertEquals(0, slow.exit(), slow::toString);
            assertTrue(front.reads().peakUnitsPerSecond() <= 2.0, "never the whole table at once: " + front.report());
        }
    }

    @Test
    void oneAddedOneRemovedOneChangedAreExactlyTheKeysNamed() throws Exception {
        List<String> changed = new ArrayList<>(lines);
        JsonNode removed = JSON.readTree(changed.remove(3)).get("Item");
        ObjectNode edited = (ObjectNode) JSON.readTree(changed.get(7));
        ((ObjectNode) edited.get("Item")).putObject("message").put("S", "edited");
        changed.set(7, edited.toString());
        changed.add("{\"Item\":{\"pk\":{\"S\":\"MSG#added\"},\"sk\":{\"S\":\"2026-01-01T00:00:00.000000+00:00\"}}}");
        Path file = dir.resolve("changed.json.gz");
        write(file, changed);
        var r = Cli.local("diff", table, file.toString(), "-o", "jsonl").run();
        assertEquals(1, r.exit(), r::toString);
        Set<String> got = new TreeSet<>();
        JsonNode summary = null;
        for (String line : r.out().lines().toList()) {
            JsonNode n = JSON.readTree(line);
            if (n.has("summary")) summary = n.get("summary");
            else got.add(n.get("diff").asText() + " " + n.get("key").get("pk").asText() + " " + n.get("key")
                    .get("sk").asText() + " " + n.path("attributes"));
        }
        JsonNode e = edited.get("Item");
        assertEquals(new TreeSet<>(List.of(
                "left-only " + removed.get("pk").get("S").asText() + " " + removed.get("sk").get("S").asText() + " ",
                "right-only MSG#added 2026-01-01T00:00:00.000000+00:00 ",
                "changed " + e.get("pk").get("S").asText() + " " + e.get("sk").get("S").asText() + " [\"message\"]")),
                got, r::toString);
        assertEquals(lines.size() - 2, summary.get("equal").asInt(), r::toString);
        var text = Cli.local("diff", file.toString(), exported.toString()).run();
        assertEquals(1, text.exit(), text::toString);
        assertTrue(text.out().endsWith("Different: 1 only in " + file + ", 1 only in " + exported
                + ", 1 changed, " + (lines.size() - 2) + " equal\n"), text::toString);
    }

    /** An S3 export's data file: AWSDynamoDB/<id>/data/<id>.json.gz, its own line order and attribute order. */
    @Test
    void anS3ExportShapedFileInAnotherOrderIsEqual() throws Exception {
        List<String> shuffled = new ArrayList<>();
        for (String line : lines) {
            JsonNode item = JSON.readTree(line).get("Item");
            List<String> names = new ArrayList<>();
            item.fieldNames().forEachRemaining(names::add);
            Collections.reverse(names);
            ObjectNode reordered = JSON.createObjectNode();
            for (String n : names) reordered.set(n, item.get(n));
            shuffled.add(JSON.createObjectNode().set("Item", reordered).toString());
        }
        Collections.shuffle(shuffled, new Random(21));
        Path file = dir.resolve("AWSDynamoDB/01700000000000-abcdef12/data/x4yz2bmnsu3cpb2lbqkagwlsmy.json.gz");
        write(file, shuffled);
        var r = Cli.local("diff", file.toString(), table).run();
        assertEquals(0, r.exit(), r::toString);
    }

    @Test
    void aBadLineIsNamedWithItsFileAndLineAndExitsTwo() throws Exception {
        List<String> bad = new ArrayList<>(lines.subList(0, 5));
        bad.set(2, "{\"Item\": {\"pk\": {\"S\": \"x\"}");
        Path file = dir.resolve("bad.json");
        write(file, bad);
        var r = Cli.local("diff", exported.toString(), file.toString()).run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().startsWith("diff: " + file + ":3: malformed JSON"), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void aSideThatIsNeitherATableNorAFileExitsTwo() throws Exception {
        var r = Cli.local("diff", table, "no-such-table").run();
        assertEquals(2, r.exit(), r::toString);
        assertEquals("diff: RIGHT no-such-table: neither a readable file nor a table at local "
                + LocalDynamo.endpoint() + " (us-east-1)", r.err().strip());
        var file = Cli.local("diff", dir.resolve("missing.json.gz").toString(), table).run();
        assertEquals(2, file.exit(), file::toString);
        assertEquals("diff: LEFT " + dir.resolve("missing.json.gz") + ": no such file (and not a table name)",
                file.err().strip());
        assertEquals("", r.out() + file.out());
        assertEquals(lines.size(), LocalDynamo.scanAll(LocalDynamo.client(), table).size());
    }
}
