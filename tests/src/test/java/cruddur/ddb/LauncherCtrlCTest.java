package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Ctrl-C reaches the run that trains the launcher's class archive (LauncherTest has the rest of the fast path). Its
 * JVM writes the archive's training data as it exits, which takes seconds when other classes' processes have the
 * cores: it asserts a stop within 5 s, so it runs alone (@Isolated).
 */
@Isolated("asserts a stop within 5 s of Ctrl-C, the training data written on the way out")
class LauncherCtrlCTest {
    @Test
    void ctrlCStopsTheRunThatTrainsTheClassArchive() throws Exception {
        // A fresh copy has a fresh key: its first fast run is the training run, a child of the launcher.
        Path tree = LauncherTest.copyOf("bin/ddb/seed", "lib/Ddb.java", "lib/BatchWriter.java", "lib/Patterns.java",
                "lib/Capacity.java");
        var help = Cli.executable(tree.resolve("bin/ddb/seed"), "--help").run(); // compiles, does not train
        assertEquals(0, help.exit(), help::toString);
        String table = Tables.fresh("train-sigint");
        Process p = new ProcessBuilder(tree.resolve("bin/ddb/seed").toString(), "--table", table, "--synthetic", "--users", "20",
                "--conversations", "300", "--messages", "98", "--threads", "1", "--endpoint-url", LocalDynamo.endpoint())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        var ddb = LocalDynamo.client();
        long deadline = System.currentTimeMillis() + 60_000;
        while (ddb.scan(q -> q.tableName(table).select("COUNT")).count() < 200 && System.currentTimeMillis() < deadline) Thread.sleep(100);
        new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
        assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "stops within 5 s of Ctrl-C");
        assertEquals(130, p.exitValue());
    }
}
