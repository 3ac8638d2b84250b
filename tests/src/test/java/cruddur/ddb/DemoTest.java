package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's first command: a server, the schema, the seeds and a conversation on screen; twice. */
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
            assertTrue(first.out().strip().endsWith("See you there. Bring questions about partition keys."), first::toString);

            var second = Cli.executable(Cli.REPO.resolve("bin/demo"), "--port", String.valueOf(port), "--db-path", data).run();
            assertEquals(0, second.exit(), second::toString);
            assertTrue(second.err().contains("already answers"), second::toString);
            assertTrue(second.err().contains("already exists"), second::toString);
            assertEquals(57, LocalDynamo.scanAll(LocalDynamo.client("http://127.0.0.1:" + port), "cruddur-messages").size());
        } finally {
            if (pid.find()) new ProcessBuilder("kill", pid.group(1)).start().waitFor();
        }
    }
}
