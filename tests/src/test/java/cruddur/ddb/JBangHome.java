package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A throwaway JBang home, made by bin/setup as a new user gets it, and commands run with it on PATH. */
final class JBangHome {
    final Path dir;
    final Path bin;
    private final Map<String, String> env = new HashMap<>();

    private JBangHome(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.bin = dir.resolve("bin");
        this.env.putAll(env);
        this.env.put("PATH", bin + ":" + System.getenv("PATH"));
    }

    /** bin/setup with JBANG_DIR=dir. */
    static JBangHome install(Path dir) {
        return install(dir, Map.of("JBANG_DIR", dir.toString()));
    }

    /**
     * bin/setup with the given environment, which must put the home at dir (JBANG_DIR, or HOME/.jbang). The JBang CLI's
     * jars (bin/setup's Maven step, about 10 s) are copied from the suite's own JBang home when it has them: bin/setup
     * then installs the launcher beside them, as it does on every later run. Its Maven step itself runs for real in
     * bin/test (CI's JBang home is fresh) and in FreshCloneTest (bin/demo in a fresh HOME).
     */
    static JBangHome install(Path dir, Map<String, String> env) {
        Path jars = HeaderTest.suiteJBangHome().resolve("lib/" + CLI_JARS);
        if (Files.isDirectory(jars) && !Files.exists(dir.resolve("lib"))) copyFolder(jars, dir.resolve("lib/" + CLI_JARS));
        Cli setup = Cli.executable(Cli.REPO.resolve("bin/setup")).env("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.forEach(setup::env);
        if (!env.containsKey("JBANG_DIR")) setup.unsetEnv("JBANG_DIR");
        var r = setup.run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals(dir.resolve("bin").toString(), r.out().strip(), r::toString);
        return new JBangHome(dir, env);
    }

    /** The folder bin/setup installs the JBang CLI's jars into, under the home's lib/. */
    static final String CLI_JARS = "jbang-cli-0.127.18";

    private static void copyFolder(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path file : files.toList()) Files.copy(file, to.resolve(file.getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An executable run with this home's environment and its bin folder first on PATH. */
    Cli run(Path executable, String... args) {
        Cli cli = Cli.executable(executable, args);
        env.forEach(cli::env);
        if (!env.containsKey("JBANG_DIR")) cli.unsetEnv("JBANG_DIR");
        return cli;
    }

    Cli jbang(String... args) {
        return run(bin.resolve("jbang"), args);
    }

    /** The launcher's records: $JBANG_DIR/cache/fastpath. */
    Path fastpath() {
        return dir.resolve("cache/fastpath");
    }

    /** Every file under a folder, relative to it. */
    static List<String> filesUnder(Path folder) {
        if (!Files.isDirectory(folder)) return List.of();
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(f -> folder.relativize(f).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
