package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The installed launcher on a PATH like a Mac's (StrippedPath: no sha1sum or other GNU checksum tool, no setsid,
 * timeout or stdbuf): warm runs are as quiet as on Linux, keep the fast path (they run with JBang's own jars out of
 * the way), build the AOT cache in the background, and see an edit at once. The checksum tool is whichever there is;
 * with none at all, every run goes to JBang, with one note. Its speed is measured by hand or in bench/, not here.
 */
class MacLikePathTest {
    private static JBangHome home;
    private static Path tree;

    /** One JBang home for the class, installed by bin/setup on the stripped PATH itself, and a copy of list-tables. */
    static synchronized JBangHome home() throws Exception {
        if (home == null) {
            Path dir = Files.createTempDirectory("jbang-maclike");
            home = JBangHome.install(dir, Map.of("JBANG_DIR", dir.toString(), "PATH", StrippedPath.make()));
            tree = LauncherTest.copyOf("bin/ddb/list-tables", "lib/Ddb.java");
        }
        return home;
    }

    static Cli listTables(String path, String... args) throws Exception {
        return Cli.executable(tree.resolve("bin/ddb/list-tables"), args).env("PATH", path).env("JBANG_DIR", home().dir.toString());
    }

    /** Runs with the JBang CLI's jars moved away: only a run that does not start JBang can succeed. */
    static Cli.Result withoutJBang(Cli cli) throws Exception {
        Path lib = home().dir.resolve("lib/jbang-cli-0.127.18");
        Path aside = Files.createTempDirectory("jbang-jars-aside");
        List<Path> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.toList();
        }
        for (Path jar : jars) Files.move(jar, aside.resolve(jar.getFileName()));
        try {
            return cli.run();
        } finally {
            for (Path jar : jars) Files.move(aside.resolve(jar.getFileName()), jar);
        }
    }

    static void quietVersion(Cli.Result r, String version) {
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("cruddur-ddb " + version + "\n"), r::toString);
        assertEquals("", r.err(), "nothing on stderr: " + r);
    }

    @Test
    void warmRunsAreQuietKeepTheFastPathBuildTheAotCacheAndSeeEdits() throws Exception {
        String path = StrippedPath.make(home().bin);
        String table = Tables.fresh("maclike");
        for (int i = 0; i < 3; i++) {
            var r = listTables(path, "-o", "text", "--endpoint-url", LocalDynamo.endpoint()).run();
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().lines().anyMatch(table::equals), r::toString);
            assertEquals("", r.err(), "no 'not found', nothing at all on stderr: " + r);
            Thread.sleep(500);
        }
        quietVersion(withoutJBang(listTables(path, "--version")), "0.1.0");
        boolean aot = Files.list(Path.of("/usr/lib/jvm")).anyMatch(j -> j.getFileName().toString().matches(".*-(2[5-9]|[3-9]\\d)[-.].*"));
        if (aot) {
            // Made in the background without setsid, then used without a word.
            long deadline = System.currentTimeMillis() + 120_000;
            // (A cache being made is NAME.PID.aotconf.aot: the first training's, made, is NAME.first.aot.)
            while (JBangHome.filesUnder(home().fastpath()).stream().noneMatch(f -> f.endsWith(".first.aot")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(JBangHome.filesUnder(home().fastpath()).stream().anyMatch(f -> f.endsWith(".first.aot")), "the AOT cache was made");
            quietVersion(withoutJBang(listTables(path, "--version")), "0.1.0");
        }
        LauncherTest.replace(tree.resolve("lib/Ddb.java"), "static final String VERSION = \"0.1.0\";", "static final String VERSION = \"9.8.7\";");
        quietVersion(listTables(path, "--version").run(), "9.8.7");
        quietVersion(withoutJBang(listTables(path, "--version")), "9.8.7");
        LauncherTest.replace(tree.resolve("lib/Ddb.java"), "static final String VERSION = \"9.8.7\";", "static final String VERSION = \"0.1.0\";");
        quietVersion(listTables(path, "--version").run(), "0.1.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shasum", "cksum"})
    void whicheverChecksumToolThereIsKeepsTheFastPath(String tool) throws Exception {
        // The tools the launcher would choose before this one are gone too: openssl, then shasum.
        Set<String> without = tool.equals("shasum") ? Set.of("openssl") : Set.of("openssl", "shasum");
        String path = StrippedPath.make(without, home().bin);
        quietVersion(listTables(path, "--version").run(), "0.1.0");   // learns
        quietVersion(withoutJBang(listTables(path, "--version")), "0.1.0");
    }

    @Test
    void withNoChecksumToolEveryRunGoesToJBangWithOneNote() throws Exception {
        String path = StrippedPath.make(StrippedPath.OTHER_CHECKSUM_TOOLS, home().bin);
        StringBuilder err = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            var r = listTables(path, "--version").run();
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().startsWith("cruddur-ddb 0.1.0\n"), r::toString);
            err.append(r.err()).append(r.err().isEmpty() ? "" : "\n");
        }
        assertEquals(1, err.toString().lines().count(), "one note in three runs: " + err);
        assertTrue(err.toString().startsWith("jbang: no sha1sum, openssl, shasum or cksum on PATH"), err::toString);
        assertFalse(err.toString().contains("not found"), err::toString);
        // Through JBang: with its jars away, the run fails.
        assertTrue(withoutJBang(listTables(path, "--version")).exit() != 0);
    }
}
