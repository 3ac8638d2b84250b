package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The scripts' first line is JBang's valid-Java header, not a #! line: JBang compiles it as a comment wherever the
 * script comes from (a catalog URL too), and a shell runs it. What runs a file without a shell is checked here,
 * one way each, as the README states it.
 */
class HeaderTest {
    static final String HEADER = "///usr/bin/env true; exec jbang \"$0\" \"$@\"";

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

    @Test
    void pythonsSubprocessNeedsAShell() {
        boolean python;
        try {
            python = Cli.executable(Path.of("python3"), "-c", "print(1)").run().exit() == 0;
        } catch (java.io.UncheckedIOException e) {
            python = false; // not on PATH at all
        }
        Assumptions.assumeTrue(python, "python3 is absent: what Python's subprocess does cannot be checked here");
        String script = Cli.REPO.resolve("bin/ddb/list-tables").toString();
        var direct = Cli.executable(Path.of("python3"), "-c", "import subprocess, sys; subprocess.run([sys.argv[1], '--version'])", script).run();
        assertTrue(direct.err().contains("Exec format error"), "as the README says: " + direct);
        var shell = Cli.executable(Path.of("python3"), "-c",
                "import shlex, subprocess, sys; sys.exit(subprocess.run(shlex.quote(sys.argv[1]) + ' --version', shell=True).returncode)", script).run();
        printsTheVersion(shell);
    }
}
