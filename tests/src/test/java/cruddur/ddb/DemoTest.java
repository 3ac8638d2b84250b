package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's first command: a server, the schema, the seeds, a conversation on screen, a new message kept current by
 * the stream, and the command to try next; twice.
 */
class DemoTest {
    @Test
    void demoRunsTwiceAndEndsWithAConversation() throws Exception {
        int port = LocalDynamo.freePort();
        String data = java.nio.file.Files.createTempDirectory("demo-data").toString();
        var first = Cli.executable(Cli.REPO.resolve("bin/demo"), "--port", String.valueOf(port), "--db-path", data).run();
        Matcher pid = Pattern.compile("stop it with: kill (\\d+)").matcher(first.err());
        try {
            assertEquals(0, first.exit(), first::toString);
            assertTrue(first.err().contains("starting bin/ddb/local on port " + port), first::toString);
            assertTrue(first.out().contains("Created table cruddur-messages"), first::toString);
            assertTrue(first.out().contains("| cruddur-messages |"), first::toString);
            assertTrue(first.out().contains("Seeded 57 items"), first::toString);
            assertTrue(first.out().contains("Andrew Bayko"), "list-conversations: " + first);
            assertTrue(first.out().contains("See you there. Bring questions about partition keys."), "get-conversation: " + first);
            // It ends with create-message, messaging-stream --once and the list: Londo's conversation first, at its new message.
            // (messaging-stream lists each move with -v only; its summary and the list's order show the move.)
            assertTrue(first.out().contains("coalesced to 2 conversations: 2 group items moved"), first::toString);
            List<String> lines = first.out().strip().lines().toList();
            assertTrue(lines.get(lines.size() - 3).startsWith("HANDLE"), first::toString);
            assertTrue(lines.get(lines.size() - 2).matches("londo +Londo Mollari .*The stream brought me to the top\\. +"
                    + "1c4e8b2a-7d3f-4a6e-9b0c-5d2f8e1a3b77"), first::toString);
            assertTrue(lines.get(lines.size() - 1).startsWith("bayko "), first::toString);
            // Then, on stderr, the command to try next (jbang is on the suite's PATH: no PATH line), which works as printed.
            List<String> err = first.err().strip().lines().toList();
            String tryNext = err.get(err.size() - 1);
            assertEquals("jbang list-conversations londo --endpoint-url http://localhost:" + port, tryNext, first::toString);
            assertTrue(err.get(err.size() - 2).startsWith("== next: run any script by name here"), first::toString);
            var next = Cli.executable(Path.of("bash"), "-c", tryNext).run();
            assertEquals(0, next.exit(), next::toString);
            assertTrue(next.out().startsWith("HANDLE"), next::toString);

            var second = Cli.executable(Cli.REPO.resolve("bin/demo"), "--port", String.valueOf(port), "--db-path", data).run();
            assertEquals(0, second.exit(), second::toString);
            assertTrue(second.err().contains("already answers"), second::toString);
            assertTrue(second.err().contains("already exists"), second::toString);
            // The seeds again (the earlier run's extra message replaced), plus this run's new message.
            assertEquals(58, LocalDynamo.scanAll(LocalDynamo.client("http://127.0.0.1:" + port), "cruddur-messages").size());
        } finally {
            if (pid.find()) new ProcessBuilder("kill", pid.group(1)).start().waitFor();
        }
    }
}
