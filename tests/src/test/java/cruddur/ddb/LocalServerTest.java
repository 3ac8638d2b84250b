package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class LocalServerTest {
    @Test
    void busyPortIsOneLineNamingThePort() {
        int port = Integer.parseInt(LocalDynamo.endpoint().replaceAll(".*:", ""));
        var r = Cli.script("local", "--port", String.valueOf(port), "--in-memory").timeout(120).run();
        assertEquals(1, r.exit(), r::toString);
        assertEquals("local: Port " + port + " on 127.0.0.1 is already in use (another DynamoDB Local?). "
                + "Stop it, or pick another port with --port N.", r.err());
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        int port = Integer.parseInt(LocalDynamo.endpoint().replaceAll(".*:", ""));
        List<String> addresses = listeningAddresses(port);
        assertTrue(!addresses.isEmpty(), "something listens on " + port);
        for (String a : addresses) {
            assertTrue(a.equals("0100007F") || a.equals("0000000000000000FFFF00000100007F")
                    || a.equals("00000000000000000000000001000000"), "loopback only, got " + addresses);
        }
    }

    /** The local addresses (hex, as the kernel writes them) of the sockets listening on a port; no traffic sent. */
    static List<String> listeningAddresses(int port) throws IOException {
        String hexPort = String.format("%04X", port);
        List<String> found = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            if (!Files.exists(Path.of(table))) continue;
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String[] local = f[1].split(":");
                if (local[1].equals(hexPort) && f[3].equals("0A")) found.add(local[0]);
            }
        }
        return found;
    }

    @Test
    void dataInDbPathSurvivesARestart() throws Exception {
        Path dir = Files.createTempDirectory("ddb-data");
        var first = LocalDynamo.Server.start(List.of("--db-path", dir.toString()));
        assertTrue(first.readyLine.contains("data in " + dir), first.readyLine);
        String table = "persisted-table";
        try (var ddb = LocalDynamo.client(first.endpoint)) {
            assertEquals(0, Cli.script("schema-load", "--table", table, "--endpoint-url", first.endpoint).run().exit());
            ddb.putItem(p -> p.tableName(table).item(Map.of(
                    "pk", AttributeValue.fromS("GRP#x"), "sk", AttributeValue.fromS("2026"))));
        } finally {
            first.stop();
        }
        assertTrue(first.stderr().contains("DynamoDB Local stopped"), "stops cleanly on Ctrl-C");

        var second = LocalDynamo.Server.start(List.of("--db-path", dir.toString()));
        try (var ddb = LocalDynamo.client(second.endpoint)) {
            assertEquals(1, LocalDynamo.scanAll(ddb, table).size());
        } finally {
            second.stop();
        }
    }

    @Test
    void unwritableDbPathIsOneLine() {
        var r = Cli.script("local", "--port", String.valueOf(LocalDynamo.freePort()), "--db-path", "/proc/cruddur-ddb")
                .timeout(120).run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().startsWith("local: Cannot create --db-path /proc/cruddur-ddb"), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
    }

    @Test
    void fullDbPathIsOneLine() throws Exception {
        // A 64 KB file system stands in for a full disk; mounting needs root, so elsewhere this is skipped.
        Path dir = Files.createTempDirectory("full-disk");
        boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        if (!mounted) System.out.println("NOTE: cannot mount a small tmpfs here; the full --db-path test is skipped");
        org.junit.jupiter.api.Assumptions.assumeTrue(mounted, "mounting a tmpfs needs root");
        try {
            var r = Cli.script("local", "--port", String.valueOf(LocalDynamo.freePort()), "--db-path", dir.toString())
                    .timeout(120).run();
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.err().startsWith("local: --db-path " + dir + " has only "), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
        } finally {
            new ProcessBuilder("umount", dir.toString()).start().waitFor();
        }
    }

    @Test
    void inMemoryAndDbPathExcludeEachOther() {
        var r = Cli.script("local", "--in-memory", "--db-path", "/tmp/x").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--in-memory, --db-path=DIR are mutually exclusive"), r::toString);
    }
}
