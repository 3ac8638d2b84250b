package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
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
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
        InetAddress external = null;
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof Inet4Address) external = a;
            }
        }
        Assumptions.assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
        InetAddress target = external;
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(target, port), 2000);
            }
        }, "DynamoDB Local must not answer on " + target);
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
    void inMemoryAndDbPathExcludeEachOther() {
        var r = Cli.script("local", "--in-memory", "--db-path", "/tmp/x").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--in-memory and --db-path exclude each other"), r::toString);
    }
}
