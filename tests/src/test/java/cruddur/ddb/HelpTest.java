package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --help of every script, compared with tests/src/test/resources/help/NAME.txt, so that a change of help text is
 * reviewed on purpose. After a deliberate change: bin/test -Dtest=HelpTest -Dhelp.update=true, then read the diff.
 */
class HelpTest {
    static final Path SNAPSHOTS = Cli.REPO.resolve("tests/src/test/resources/help");
    /** The shared options, in this order, after a script's own: the connection's (--table first), then the common ones. */
    static final List<String> CONNECTION = List.of("--table", "--prod", "--endpoint-url", "--region", "--profile");
    static final List<String> COMMON = List.of("--verbose", "--help", "--version");
    static final Pattern OPTION = Pattern.compile("^  (?:-\\w, |    )(--[\\w-]+)");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "schema-load", "drop", "list-tables", "seed", "scan", "export", "import",
            "patterns/list-conversations", "patterns/get-conversation", "patterns/create-message-group", "patterns/create-message",
            "messaging-stream", "doctor", "mask", "diff"})
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
        assertSharedOptionsLast(script, r.out());
    }

    /** Its own options first, then those of the connection it has (in CONNECTION's order), then COMMON, last. */
    static void assertSharedOptionsLast(String script, String help) {
        List<String> options = new ArrayList<>();
        for (String line : help.lines().takeWhile(l -> !l.equals("Examples:")).toList()) {
            Matcher m = OPTION.matcher(line);
            if (m.find()) options.add(m.group(1));
        }
        List<String> shared = new ArrayList<>(CONNECTION.stream().filter(options::contains).toList());
        shared.addAll(COMMON);
        assertTrue(options.size() >= shared.size(), script + ": " + options);
        List<String> own = options.subList(0, options.size() - shared.size());
        assertEquals(shared, options.subList(own.size(), options.size()), script + "'s options, in order: " + options);
        assertTrue(own.stream().noneMatch(shared::contains), script + "'s options, in order: " + options);
    }
}
