package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Installed commands that do not collide (issue 23, item 8): the documented loop installs every alias of the catalog
 * as ddb-ALIAS. None of those names is a shell builtin or keyword (`local` is one: an installed `local` could never
 * run from bash), nor a command already on this machine's PATH (ImageMagick's `import`, diff(1) for a future diff);
 * each installed command runs; bin/completion completes those names.
 */
class InstalledNamesTest {
    // TODO(lead): once the docs pages are on main, read the prefix and the loop's aliases from the install loop there
    // (docs text: `jbang app install --force --name "ddb-$a" "$a@$PWD/jbang-catalog.json"`), not from here.
    static final String PREFIX = "ddb-";

    static List<String> aliases() throws Exception {
        List<String> names = new ArrayList<>();
        new ObjectMapper().readTree(Cli.REPO.resolve("jbang-catalog.json").toFile()).get("aliases").fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<String> installedNames() throws Exception {
        return aliases().stream().map(a -> PREFIX + a).toList();
    }

    /** This machine's PATH without JBang's own bin folders (where earlier installs of these very names may sit). */
    static String machinePath() {
        return Stream.of(System.getenv("PATH").split(":")).filter(dir -> !Files.exists(Path.of(dir, "jbang")))
                .collect(Collectors.joining(":"));
    }

    @Test
    void noInstalledNameIsABuiltinAKeywordOrACommandOnPath() throws Exception {
        for (String name : installedNames()) {
            var type = Cli.executable(Path.of("bash"), "-c", "type -t \"$1\"; true", "bash", name).env("PATH", machinePath()).run();
            assertEquals("", type.out().strip(), name + " is already a " + type.out().strip() + " here");
        }
    }

    @Test
    void theCheckWouldCatchTheBareAliasNames() throws Exception {
        // The names the README's loop used to install: `local` is a builtin, `import`/`scan`/... may be commands.
        var type = Cli.executable(Path.of("bash"), "-c", "type -t local").env("PATH", machinePath()).run();
        assertEquals("builtin", type.out().strip());
        assertTrue(aliases().contains("local"));
    }

    @Test
    void everyAliasInstallsTheDocumentedWayAndRunsFromAnywhere() throws Exception {
        Path dir = Files.createTempDirectory("jbang-installed-names");
        JBangHome home = JBangHome.install(dir);
        // The scripts are compiled already in the suite's JBang cache: the throwaway home shares it, nothing else.
        Path suiteCache = HeaderTest.suiteJBangHome().resolve("cache");
        String path = home.bin + ":" + machinePath();
        Map<String, String> env = Map.of("JBANG_DIR", dir.toString(), "JBANG_CACHE_DIR", suiteCache.toString(), "PATH", path);
        for (String alias : aliases()) {
            Cli install = Cli.executable(home.bin.resolve("jbang"), "app", "install", "--force", "--name", PREFIX + alias,
                    alias + "@" + Cli.REPO.resolve("jbang-catalog.json"));
            env.forEach(install::env);
            var r = install.run();
            assertEquals(0, r.exit(), r::toString);
        }
        Path anywhere = Files.createTempDirectory("anywhere");
        for (String name : installedNames()) {
            assertTrue(Files.isExecutable(home.bin.resolve(name)), name);
            Cli type = Cli.executable(Path.of("bash"), "-c", "type -t \"$1\"; command -v \"$1\"", "bash", name);
            env.forEach(type::env);
            assertEquals("file\n" + home.bin.resolve(name), type.run().out().strip(), name);
            Cli run = Cli.executable(Path.of("bash"), "-c", "\"$@\"", "bash", name, "--version").in(anywhere);
            env.forEach(run::env);
            var r = run.run();
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().startsWith("cruddur-ddb "), name + ": " + r);
        }
        assertEquals(List.of(), JBangHome.filesUnder(anywhere), "nothing written where they ran");
    }

    @Test
    void completionIsForTheInstalledNamesAndThePathsNeverABareName() throws Exception {
        var r = Cli.executable(Cli.REPO.resolve("bin/completion")).run();
        assertEquals(0, r.exit(), r::toString);
        TreeSet<String> completed = new TreeSet<>();
        for (String line : r.out().lines().filter(l -> l.startsWith("complete -F ")).toList()) {
            List<String> words = List.of(line.substring(line.indexOf(" -o default ") + 12).split(" "));
            completed.add(words.get(0));
            for (String word : words.subList(1, words.size())) assertTrue(word.matches("(\\./)?bin/ddb/.+"), line);
        }
        assertEquals(new TreeSet<>(installedNames()), completed);
    }
}
