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

    /** bin/setup with the given environment, which must put the home at dir (JBANG_DIR, or HOME/.jbang). */
    static JBangHome install(Path dir, Map<String, String> env) {
        Cli setup = Cli.executable(Cli.REPO.resolve("bin/setup")).env("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.forEach(setup::env);
        if (!env.containsKey("JBANG_DIR")) setup.unsetEnv("JBANG_DIR");
        var r = setup.run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals(dir.resolve("bin").toString(), r.out().strip(), r::toString);
        return new JBangHome(dir, env);
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
