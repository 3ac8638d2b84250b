package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scripts' first line is JBang's valid-Java header, not a #! line: JBang compiles it as a comment wherever the
 * script comes from (a catalog URL too), and a shell runs it. What runs a file without a shell is checked here,
 * one way each, as the README states it. The header finds a jbang on PATH, else the one bin/setup installed
 * (${JBANG_DIR:-~/.jbang}/bin), else says in one line how to get it; it stays one line of at most 120 characters.
 */
class HeaderTest {
    static final String HEADER =
            "///usr/bin/env true;j=$(PATH=$PATH:${JBANG_DIR:-~/.jbang}/bin command -v jbang);exec \"${j:?install jbang.dev}\" \"$0\" \"$@\"";

    static List<Path> scripts() throws Exception {
        try (Stream<Path> files = Files.walk(Cli.REPO.resolve("bin/ddb"))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void everyScriptStartsWithTheHeaderAndIsExecutable() throws Exception {
        assertTrue(scripts().size() >= 8, scripts()::toString);
        for (Path script : scripts()) {
            assertEquals(HEADER, Files.readAllLines(script).get(0), script.toString());
            assertTrue(Files.isExecutable(script), script.toString());
        }
    }

    static void printsTheVersion(Cli.Result r) {
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("cruddur-ddb "), r::toString);
    }

    @Test
    void runsFromShellsFindExecXargsEnvAndJavasProcessBuilder() {
        String script = Cli.REPO.resolve("bin/ddb/list-tables").toString();
        // Java's ProcessBuilder (Cli) runs a header-only file with /bin/sh, as execvp does.
        printsTheVersion(Cli.script("list-tables", "--version").run());
        printsTheVersion(Cli.executable(Path.of("bash"), "-c", "'" + script + "' --version").run());
        printsTheVersion(Cli.executable(Path.of("sh"), "-c", "'" + script + "' --version").run());
        printsTheVersion(Cli.executable(Path.of("find"), Cli.REPO.resolve("bin/ddb").toString(), "-name", "list-tables",
                "-exec", "{}", "--version", ";").run());
        printsTheVersion(Cli.executable(Path.of("xargs"), script).stdin("--version\n").run());
        printsTheVersion(Cli.executable(Path.of("env"), script, "--version").run());
        printsTheVersion(Cli.executable(Path.of("sh"), script, "--version").run());
    }

    @Test
    void exitCodesAndSignalsReachTheJvmNotAShellInBetween() throws Exception {
        // `exec jbang`: no shell stays behind, so a usage error's exit code and a SIGTERM both reach the JVM.
        var usage = Cli.script("list-tables", "--no-such-option").run();
        assertEquals(2, usage.exit(), usage::toString);
        Process p = new ProcessBuilder(Cli.REPO.resolve("bin/ddb/local").toString(), "--in-memory", "--port",
                String.valueOf(LocalDynamo.freePort())).redirectErrorStream(true).start();
        String ready = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        assertTrue(ready != null && ready.startsWith("DynamoDB Local ready"), String.valueOf(ready));
        assertTrue(p.info().command().orElse("").endsWith("/java"), "the process started is the JVM itself: " + p.info());
        p.destroy();
        assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "stops on SIGTERM");
    }

    /** A PATH with the system's folders only, none of which holds a jbang (as on a machine where bin/setup ran). */
    static String pathWithoutJBang() {
        String path = "/usr/local/bin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            assertTrue(!Files.exists(Path.of(dir, "jbang")), "this test needs no jbang in " + dir);
        }
        return path;
    }

    /** The JBang home the suite runs with (bin/test installed its launcher there). */
    static Path suiteJBangHome() {
        return Path.of(System.getenv().getOrDefault("JBANG_DIR", System.getProperty("user.home") + "/.jbang"));
    }

    @Test
    void headerIsOneJavaCommentLineThatNamesJBang() {
        assertTrue(HEADER.startsWith("///") && HEADER.contains("jbang") && HEADER.contains("exec ") && HEADER.length() <= 120,
                HEADER.length() + ": " + HEADER);
    }

    @Test
    void withoutJBangOnPathTheHeaderFindsTheOneSetupInstalled() throws Exception {
        Path home = suiteJBangHome();
        assertTrue(Files.isExecutable(home.resolve("bin/jbang")), "bin/setup installed " + home.resolve("bin/jbang"));
        // $JBANG_DIR/bin, as bin/setup installs it when JBANG_DIR is set.
        printsTheVersion(Cli.script("list-tables", "--version").env("PATH", pathWithoutJBang()).env("JBANG_DIR", home.toString()).run());
        // ~/.jbang/bin, as bin/setup installs it by default: a fresh HOME whose .jbang is the suite's JBang home.
        Path userHome = Files.createTempDirectory("home");
        Files.createSymbolicLink(userHome.resolve(".jbang"), home);
        var r = Cli.script("list-tables", "--version").env("PATH", pathWithoutJBang()).env("HOME", userHome.toString())
                .unsetEnv("JBANG_DIR").run();
        printsTheVersion(r);
        assertEquals("", r.err(), r::toString);
    }

    @Test
    void withNoJBangAnywhereOneLineSaysHowToGetIt() throws Exception {
        Path emptyHome = Files.createTempDirectory("home-without-jbang");
        for (String script : List.of("list-tables", "patterns/get-conversation")) {
            var r = Cli.script(script, "--version").env("PATH", pathWithoutJBang()).env("HOME", emptyHome.toString())
                    .unsetEnv("JBANG_DIR").run();
            assertTrue(r.exit() != 0, r::toString);
            assertEquals("", r.out(), r::toString);
            assertEquals(1, r.err().lines().count(), "one line: " + r);
            assertTrue(r.err().contains("install jbang.dev") && !r.err().contains("not found"), r::toString);
        }
        // A JBANG_DIR without a jbang: the same line.
        var r = Cli.script("list-tables", "--version").env("PATH", pathWithoutJBang()).env("HOME", emptyHome.toString())
                .env("JBANG_DIR", emptyHome.resolve("no-jbang-here").toString()).run();
        assertTrue(r.exit() != 0 && r.err().strip().endsWith("install jbang.dev"), r::toString);
    }

    @Test
    void theJBangFoundBesidePathIsExecedToo() throws Exception {
        // Found through JBANG_DIR, not PATH: still `exec`, so the process started is the JVM and SIGTERM reaches it.
        ProcessBuilder pb = new ProcessBuilder(Cli.REPO.resolve("bin/ddb/local").toString(), "--in-memory", "--port",
                String.valueOf(LocalDynamo.freePort())).redirectErrorStream(true);
        pb.environment().put("PATH", pathWithoutJBang());
        pb.environment().put("JBANG_DIR", suiteJBangHome().toString());
        Process p = pb.start();
        String ready = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        assertTrue(ready != null && ready.startsWith("DynamoDB Local ready"), String.valueOf(ready));
        assertTrue(p.info().command().orElse("").endsWith("/java"), "the process started is the JVM itself: " + p.info());
        p.destroy();
        assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "stops on SIGTERM");
    }

    @Test
    void pythonsSubprocessNeedsAShell() {
        var probe = Cli.executable(Path.of("python3"), "-c", "print(1)").run();
        if (probe.exit() != 0) return; // no python3: nothing to state
        String script = Cli.REPO.resolve("bin/ddb/list-tables").toString();
        var direct = Cli.executable(Path.of("python3"), "-c", "import subprocess, sys; subprocess.run([sys.argv[1], '--version'])", script).run();
        assertTrue(direct.err().contains("Exec format error"), "as the README says: " + direct);
        var shell = Cli.executable(Path.of("python3"), "-c",
                "import shlex, subprocess, sys; sys.exit(subprocess.run(shlex.quote(sys.argv[1]) + ' --version', shell=True).returncode)", script).run();
        printsTheVersion(shell);
    }
}
