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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Installed commands that do not collide (issue 23, item 8): the install loop of the README (the same in
 * docs/running.md) installs every alias of the catalog under a prefix. None of those names is a shell builtin or
 * keyword (`local` is one: an installed `local` could never run from bash), nor a command already on this machine's
 * PATH (ImageMagick's `import`, diff(1) for a future diff); run as documented, each installed command runs;
 * bin/completion completes those names.
 */
class InstalledNamesTest {
    /** The documented loop, `for a in ...; do jbang app install ... done`, as the README has it. */
    static String documentedLoop() throws Exception {
        String readme = Files.readString(Cli.REPO.resolve("README.md"));
        int install = readme.indexOf("jbang app install");
        assertTrue(install > 0, "the README shows how to install the commands");
        int from = readme.lastIndexOf("for a in ", install);
        int to = readme.indexOf("done", install) + "done".length();
        String loop = readme.substring(from, to);
        assertTrue(Files.readString(Cli.REPO.resolve("docs/running.md")).contains(loop), "docs/running.md has the same loop");
        return loop;
    }

    /** The loop's aliases: the words between `for a in` and `; do`. */
    static List<String> loopAliases() throws Exception {
        String loop = documentedLoop();
        String words = loop.substring("for a in ".length(), loop.indexOf("; do")).replace("\\\n", " ");
        return List.of(words.trim().split("\\s+"));
    }

    /** The names the loop installs: its --name "..." evaluated by bash for each alias. */
    static List<String> installedNames() throws Exception {
        Matcher name = Pattern.compile("--name (\"[^\"]*\")").matcher(documentedLoop());
        assertTrue(name.find(), "the loop names each command: " + documentedLoop());
        List<String> args = loopAliases();
        var r = Cli.executable(Path.of("bash"), Stream.concat(Stream.of("-c", "for a in \"$@\"; do echo " + name.group(1) + "; done", "bash"),
                args.stream()).toArray(String[]::new)).run();
        assertEquals(0, r.exit(), r::toString);
        return r.out().lines().toList();
    }

    static List<String> aliases() throws Exception {
        List<String> names = new ArrayList<>();
        new ObjectMapper().readTree(Cli.REPO.resolve("jbang-catalog.json").toFile()).get("aliases").fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theLoopInstallsEveryAliasEachUnderItsOwnName() throws Exception {
        assertEquals(new TreeSet<>(aliases()), new TreeSet<>(loopAliases()));
        List<String> names = installedNames();
        assertEquals(aliases().size(), new TreeSet<>(names).size(), names::toString);
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
        // The loop exactly as documented, run in the repository as the docs say ($PWD/jbang-catalog.json).
        Cli loop = Cli.executable(Path.of("bash"), "-c", "set -e\n" + documentedLoop());
        env.forEach(loop::env);
        var installed = loop.run();
        assertEquals(0, installed.exit(), installed::toString);
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
        var r = EcosystemTest.completion();
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
