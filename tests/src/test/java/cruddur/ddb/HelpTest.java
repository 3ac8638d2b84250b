package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --help of every script, compared with tests/src/test/resources/help/NAME.txt, so that a change of help text is
 * reviewed on purpose. After a deliberate change: bin/test -Dtest=HelpTest -Dhelp.update=true, then read the diff.
 */
class HelpTest {
    static final Path SNAPSHOTS = Cli.REPO.resolve("tests/src/test/resources/help");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "schema-load", "drop", "list-tables", "seed", "scan", "export", "import",
            "patterns/list-conversations", "patterns/get-conversation", "patterns/create-message-group", "patterns/create-message",
            "messaging-stream"})
    void helpIsTheReviewedSnapshot(String script) throws IOException {
        var r = Cli.script(script, "--help").run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err(), r::toString);
        Path snapshot = SNAPSHOTS.resolve(Path.of(script).getFileName() + ".txt");
        if (Boolean.getBoolean("help.update")) {
            Files.createDirectories(SNAPSHOTS);
            Files.writeString(snapshot, r.out());
        }
        assertEquals(Files.readString(snapshot), r.out(), "--help of " + script + " differs from " + snapshot
                + " (a deliberate change: bin/test -Dtest=HelpTest -Dhelp.update=true)");
    }
}
