package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark runs (tiny mode: one run, a few hundred items); its timings are reported, never asserted. */
class BenchmarkTest {
    @Test
    void tinyBenchmarkWritesEveryRow() throws Exception {
        Path out = Files.createTempFile("RESULTS", ".md");
        // About 160 s alone on 2 cores; the suite runs it beside two other classes: the timeout only catches a hang.
        var r = Cli.executable(Cli.REPO.resolve("bench/run"), "--tiny", "--out", out.toString()).timeout(1200).run();
        assertEquals(0, r.exit(), r::toString);
        String report = Files.readString(out);
        assertTrue(report.startsWith("# Benchmark results"), report);
        for (String row : List.of("| list-tables |", "| schema-load |", "| drop |", "| seed (57 items) |", "| scan (57 items) |",
                "| list-conversations |", "| get-conversation |", "seed --synthetic (8 threads, default) |",
                "scan (4 segments, default) |", "| direct, on a Mac-like PATH |", "DynamoDB Local's ceiling", "## Seed against a provisioned table of 20 WCU",
                "| seed --synthetic | 50 of 50 |", "## seed --synthetic at scale", "| 2,000 |",
                "| 100 messages in 5 conversations | messaging-stream --once |", "| 200 messages in 20 conversations |")) {
            assertTrue(report.contains(row), row + " in\n" + report);
        }
    }
}
