package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The launcher's fast path (bin/jbang) execs a remembered java command instead of asking JBang each time.
 * It must never run stale code, and must survive a cleaned cache.
 */
class LauncherTest {
    static Path copyOf(String... files) throws Exception {
        Path tree = Files.createTempDirectory("launcher");
        // lib/Ddb.java pulls in lib/Prod.java beside it: the helper is the two.
        var all = java.util.stream.Stream.of(files).flatMap(f -> f.equals("lib/Ddb.java") ? java.util.stream.Stream.of(f, "lib/Prod.java")
                : java.util.stream.Stream.of(f)).toList();
        for (String file : all) {
            Files.createDirectories(tree.resolve(file).getParent());
            Files.copy(Cli.REPO.resolve(file), tree.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return tree;
    }

    static void replace(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        assertTrue(text.contains(from), from);
        Files.writeString(file, text.replace(from, to));
    }

    static String version(Path tree) {
        var r = Cli.executable(tree.resolve("bin/ddb/list-tables"), "--version").in(tree).run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err(), "nothing from the launcher or the class archives on stderr");
        return r.out();
    }

    @Test
    void editsToTheScriptAndItsHelperShowOnTheVeryNextRun() throws Exception {
        Path tree = copyOf("bin/ddb/list-tables", "lib/Ddb.java");
        Path helper = tree.resolve("lib/Ddb.java");
        Path script = tree.resolve("bin/ddb/list-tables");
        // Several runs: the fast path learns the command, trains and uses its class archive.
        for (int i = 0; i < 4; i++) {
            assertTrue(version(tree).startsWith("cruddur-ddb 0.1.0\n"));
            Thread.sleep(500);
        }
        replace(helper, "static final String VERSION = \"0.1.0\";", "static final String VERSION = \"9.8.7\";");
        assertTrue(version(tree).startsWith("cruddur-ddb 9.8.7\n"), "helper edit seen at once");
        replace(script, "description = \"List the DynamoDB tables", "description = \"Edited: list the DynamoDB tables");
        var help = Cli.executable(script, "--help").in(tree).run();
        assertTrue(help.out().contains("Edited: list the DynamoDB tables"), "script edit seen at once: " + help);
        replace(helper, "static final String VERSION = \"9.8.7\";", "static final String VERSION = \"0.1.0\";");
        assertTrue(version(tree).startsWith("cruddur-ddb 0.1.0\n"), "and back");
    }

    @Test
    void aCleanedJBangCacheIsRebuiltNotFailedOn() throws Exception {
        Path tree = copyOf("bin/ddb/list-tables", "lib/Ddb.java");
        // A copy of its own content, so a jar of its own: JBang names a jar by the digest of its sources, and the jar this
        // test deletes must not be the one the other classes run list-tables from at the same time.
        Files.writeString(tree.resolve("bin/ddb/list-tables"), "// LauncherTest's own copy\n", StandardOpenOption.APPEND);
        version(tree);
        version(tree);
        Path jbangHome = Path.of(System.getenv().getOrDefault("JBANG_DIR", System.getProperty("user.home") + "/.jbang"));
        Path remembered;
        try (Stream<Path> files = Files.list(jbangHome.resolve("cache/fastpath"))) {
            remembered = files.filter(f -> f.toString().endsWith(".cmd")).filter(f -> {
                try {
                    return Files.readString(f).contains(tree.toString());
                } catch (Exception e) {
                    return false;
                }
            }).findFirst().orElseThrow();
        }
        // The remembered command is an argument array, one NUL-terminated argument after another.
        List<String> cmd = List.of(Files.readString(remembered).split("\0"));
        String jar = cmd.get(cmd.indexOf("-classpath") + 1).split(":")[0];
        assertTrue(jar.endsWith(".jar") && Files.deleteIfExists(Path.of(jar)), "deleted " + jar);
        assertTrue(version(tree).startsWith("cruddur-ddb 0.1.0\n"));
        assertTrue(Files.exists(Path.of(jar)), "JBang built it again");
    }

    @Test
    void fastPathOffAndJava17BothWork() throws Exception {
        var off = Cli.local("list-tables", "-o", "text").env("JBANG_FAST", "0").run();
        assertEquals(0, off.exit(), off::toString);
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        if (Files.isExecutable(jdk17.resolve("bin/java"))) {
            for (int i = 0; i < 3; i++) {
                var r = Cli.script("list-tables", "--version").env("JAVA_HOME", jdk17.toString()).run();
                assertEquals(0, r.exit(), r::toString);
                assertTrue(r.out().contains("Java 17."), r::toString);
                assertEquals("", r.err(), "nothing from the class archive on stderr");
            }
        }
        for (String name : List.of("list-tables", "scan")) {
            var r = Cli.local(name, "--version").run();
            assertEquals(0, r.exit(), r::toString);
        }
    }
}
