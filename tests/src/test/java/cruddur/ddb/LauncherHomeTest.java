package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The installed launcher (bin/jbang) wherever it and JBang's home are: its jars are found beside it, whatever
 * JBANG_DIR says; a home with a space in its path works; and what it does in the background (the AOT cache) is
 * out of reach of the caller's signals (without setsid, which a Mac lacks) and writes nothing outside its cache folder.
 */
class LauncherHomeTest {
    static void ranClean(Cli.Result r, String table) {
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().lines().anyMatch(table::equals), r::toString);
    }

    @Test
    void jbangDirMayPointAnywhereTheJarsAreBesideTheLauncher() throws Exception {
        JBangHome installed = JBangHome.install(Files.createTempDirectory("jbang-installed"));
        Path elsewhere = Files.createTempDirectory("jbang-elsewhere");
        Path tree = LauncherTest.copyOf("bin/ddb/list-tables", "lib/Ddb.java");
        String table = Tables.fresh("jbangdir");
        // Through PATH as the script header finds it, and through a symbolic link to the launcher.
        Path linked = Files.createTempDirectory("jbang-link");
        Files.createSymbolicLink(linked.resolve("jbang"), installed.bin.resolve("jbang"));
        for (String path : List.of(installed.bin.toString(), linked.toString())) {
            for (int i = 0; i < 2; i++) {
                var r = Cli.executable(tree.resolve("bin/ddb/list-tables"), "-o", "text", "--endpoint-url", LocalDynamo.endpoint())
                        .env("JBANG_DIR", elsewhere.toString()).env("PATH", path + ":/usr/local/bin:/usr/bin:/bin").run();
                ranClean(r, table);
            }
        }
        assertTrue(JBangHome.filesUnder(elsewhere.resolve("cache/fastpath")).stream().anyMatch(f -> f.endsWith(".cmd")),
                "the fast path keeps its records in the JBANG_DIR of the run");
        assertFalse(Files.exists(installed.dir.resolve("cache/fastpath")), "and not where the launcher was installed");
        var version = installed.jbang("version").env("JBANG_DIR", elsewhere.toString()).run();
        assertEquals(0, version.exit(), version::toString);
        assertTrue((version.out() + version.err()).contains("0.127.18"), version::toString);
    }

    @Test
    void aHomeWithASpaceInItsPath() throws Exception {
        Path home = Files.createTempDirectory("home with space");
        // JBANG_DIR unset: the launcher and JBang both default to $HOME/.jbang.
        JBangHome jbang = JBangHome.install(home.resolve(".jbang"), Map.of("HOME", home.toString()));
        Path tree = LauncherTest.copyOf("bin/ddb/list-tables", "lib/Ddb.java", "jbang-catalog.json");
        String table = Tables.fresh("space");
        for (int i = 0; i < 3; i++) {
            ranClean(jbang.run(tree.resolve("bin/ddb/list-tables"), "-o", "text", "--endpoint-url", LocalDynamo.endpoint()).run(), table);
            ranClean(jbang.jbang("list-tables@" + tree.resolve("jbang-catalog.json"), "-o", "text", "--endpoint-url", LocalDynamo.endpoint())
                    .in(Files.createTempDirectory("anywhere")).run(), table);
            Thread.sleep(1000);
        }
        List<String> records = JBangHome.filesUnder(jbang.fastpath());
        assertTrue(records.stream().filter(f -> f.endsWith(".cmd")).count() >= 2, records::toString);
        for (String record : records.stream().filter(f -> f.endsWith(".cmd")).toList()) {
            assertTrue(Files.readString(jbang.fastpath().resolve(record)).contains(home + "/.jbang/cache/jars/"),
                    "the script's jar is in the home with the space: " + record);
        }
        var r = jbang.run(tree.resolve("bin/ddb/list-tables"), "-o", "text", "--endpoint-url", LocalDynamo.endpoint()).run();
        ranClean(r, table);
        assertEquals("", r.err(), "a warm run says nothing on stderr");
    }

    @Test
    void signalsToTheCallersProcessGroupDoNotReachTheCacheCreationNorLeaveFiles() throws Exception {
        Assumptions.assumeTrue(Files.list(Path.of("/usr/lib/jvm")).anyMatch(j -> j.getFileName().toString().matches(".*-(2[5-9]|[3-9]\\d)[-.].*")),
                "the AOT cache needs a JDK 25+ in /usr/lib/jvm");
        JBangHome jbang = JBangHome.install(Files.createTempDirectory("jbang-signals"));
        Path tree = LauncherTest.copyOf("bin/ddb/list-tables", "lib/Ddb.java");
        List<String> treeBefore = JBangHome.filesUnder(tree);
        Path work = Files.createTempDirectory("caller-cwd");
        Path logs = Files.createTempDirectory("caller-logs");
        String table = Tables.fresh("signals");
        Path script = tree.resolve("bin/ddb/list-tables");
        String path = StrippedPath.make(jbang.bin);
        // First run: compiles, and is the training run the cache is made from.
        ranClean(jbang.run(script, "-o", "text", "--endpoint-url", LocalDynamo.endpoint()).env("PATH", path).in(work).run(), table);
        // Second run, in a process group of its own (setsid) like a shell's job: it starts the cache creation in the
        // background; while that runs, SIGINT then SIGTERM go to the whole group, as Ctrl-C or a kill -TERM -PGID would.
        // The launcher runs on a PATH like a Mac's, with no setsid of its own to use.
        String caller = """
                script=$1 endpoint=$2 fastpath=$3 logs=$4
                trap ':' INT TERM
                "$script" -o text --endpoint-url "$endpoint" >"$logs/out" 2>"$logs/err" &
                for i in $(seq 500); do
                  creator=$(pgrep -n -f -- "-XX:AOTMode=create -XX:AOTConfiguration=$fastpath/") && break
                  sleep 0.02
                done
                echo "creator ${creator:-none}"
                kill -INT 0; sleep 0.3; kill -TERM 0; sleep 0.5
                wait
                kill -0 "$creator" 2>/dev/null && echo "creator alive after the signals"
                """;
        var r = Cli.executable(Path.of("setsid"), "-w", "bash", "-c", caller, "bash", script.toString(), LocalDynamo.endpoint(),
                        jbang.fastpath().toString(), logs.toString())
                .env("PATH", path).env("JBANG_DIR", jbang.dir.toString()).in(work).run();
        assertTrue(r.out().matches("(?s)creator \\d+\n.*"), "the cache was being created when the signals came: " + r);
        assertTrue(r.out().contains("creator alive after the signals"), r::toString);
        long deadline = System.currentTimeMillis() + 120_000;
        while (JBangHome.filesUnder(jbang.fastpath()).stream().noneMatch(f -> f.endsWith(".first.aot")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(JBangHome.filesUnder(jbang.fastpath()).stream().anyMatch(f -> f.endsWith(".first.aot")),
                "the cache was made, from the first training: " + JBangHome.filesUnder(jbang.fastpath()));
        assertEquals(List.of(), JBangHome.filesUnder(work), "nothing in the caller's working directory");
        assertEquals(treeBefore, JBangHome.filesUnder(tree), "nothing beside the script");
        assertTrue(JBangHome.filesUnder(jbang.dir).stream().filter(f -> !f.startsWith("cache/")).allMatch(f -> f.startsWith("bin/") || f.startsWith("lib/")),
                "nothing in the JBang home outside its cache: " + JBangHome.filesUnder(jbang.dir));
        // The next run trains again (a first run is often a script's odd one), the one after it builds the cache
        // that replaces the first, in the background, and uses the first meanwhile; then the last one is used.
        for (int i = 0; i < 3; i++) {
            var after = jbang.run(script, "-o", "text", "--endpoint-url", LocalDynamo.endpoint()).env("PATH", path).in(work).run();
            ranClean(after, table);
            assertEquals("", after.err(), "the second training and the caches are made and used without a word");
            deadline = System.currentTimeMillis() + 120_000;
            while (i == 1 && JBangHome.filesUnder(jbang.fastpath()).stream().anyMatch(f -> f.endsWith(".first.aot"))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
        }
        var caches = JBangHome.filesUnder(jbang.fastpath()).stream().filter(f -> f.endsWith(".aot")).toList();
        assertEquals(1, caches.size(), "one cache, the second training's, in place of the first: " + caches);
        assertTrue(!caches.get(0).endsWith(".first.aot"), caches::toString);
        assertEquals(List.of(), JBangHome.filesUnder(work));
    }
}
