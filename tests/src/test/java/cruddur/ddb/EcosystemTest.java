package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three ways users meet the scripts: directly, through JBang (catalog, app install), copied elsewhere. */
class EcosystemTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Cli jbang(String... args) {
        return Cli.executable(Path.of("jbang"), args);
    }

    @Test
    void everyScriptHasHelpWithExamplesAndTheVersions() {
        for (String script : List.of("local", "schema-load", "drop", "list-tables", "seed", "scan", "export", "import",
                "patterns/list-conversations", "patterns/get-conversation")) {
            var help = Cli.script(script, "--help").run();
            assertEquals(0, help.exit(), help::toString);
            String name = script.replace("patterns/", "");
            assertTrue(help.out().startsWith("Usage: " + name), help::toString);
            assertTrue(help.out().contains("Examples:"), help::toString);
            assertTrue(help.out().contains("-V, --version"), help::toString);
            assertFalse(help.out().contains("\u001B["), "no colours when piped: " + help);
            if (!script.equals("local")) {
                assertTrue(help.out().contains("--endpoint-url=URL"), help::toString);
                assertTrue(help.out().contains("--profile=NAME"), help::toString);
            }
            var version = Cli.script(script, "--version").run();
            assertTrue(version.out().matches("(?s)cruddur-ddb \\d+\\.\\d+\\.\\d+\nJBang .*, Java .*, AWS SDK for Java 2\\..*"), version::toString);
        }
    }

    @Test
    void catalogHasAnAliasWithADescriptionForEveryScript() throws Exception {
        JsonNode aliases = JSON.readTree(Cli.REPO.resolve("jbang-catalog.json").toFile()).get("aliases");
        List<String> names = new ArrayList<>();
        aliases.fieldNames().forEachRemaining(names::add);
        List<String> scripts;
        try (var files = Files.walk(Cli.REPO.resolve("bin/ddb"))) {
            scripts = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("create-message", "create-message-group", "diff", "doctor", "drop", "export", "get-conversation",
                "import", "list-conversations", "list-tables", "local", "mask", "messaging-stream", "scan", "schema-load",
                "seed"), scripts);
        // `jbang export` is JBang's own command and `export` a shell builtin (`import` is ImageMagick's): those two get -table.
        List<String> scriptOfAlias = names.stream().map(n -> n.equals("export-table") || n.equals("import-table") ? n.replace("-table", "") : n).toList();
        assertEquals(scripts, scriptOfAlias.stream().sorted().toList(), "one alias per script under bin/ddb");
        var list = jbang("alias", "list").run();
        assertEquals(0, list.exit(), list::toString);
        for (Iterator<Map.Entry<String, JsonNode>> it = aliases.fields(); it.hasNext(); ) {
            var alias = it.next();
            assertTrue(Files.isExecutable(Cli.REPO.resolve(alias.getValue().get("script-ref").asText())), alias.toString());
            assertTrue(list.out().contains(alias.getKey() + "\n   " + alias.getValue().get("description").asText()), list::toString);
        }
    }

    @Test
    void aliasesRunFromTheRepositoryAndFromElsewhere() throws Exception {
        var here = jbang("list-tables", "-o", "text", "--endpoint-url", LocalDynamo.endpoint()).run();
        assertEquals(0, here.exit(), here::toString);
        var elsewhere = jbang("list-tables@" + Cli.REPO.resolve("jbang-catalog.json"), "-o", "json", "--endpoint-url", LocalDynamo.endpoint())
                .in(Files.createTempDirectory("elsewhere")).run();
        assertEquals(0, elsewhere.exit(), elsewhere::toString);
        assertTrue(JSON.readTree(elsewhere.out()).isArray(), elsewhere::toString);
    }

    @Test
    void anEditedCatalogScriptOrHelperIsSeenOnTheNextAliasRun() throws Exception {
        Path tree = LauncherTest.copyOf("jbang-catalog.json", "bin/ddb/list-tables", "bin/ddb/scan", "lib/Ddb.java",
                "lib/TableScan.java", "lib/Capacity.java", "lib/ItemJson.java", "lib/Text.java");
        Path catalog = tree.resolve("jbang-catalog.json");
        Path elsewhere = Files.createTempDirectory("elsewhere");
        // In the tree (the nearest catalog) and from elsewhere (alias@catalog); several runs: the fast path learns.
        List<Cli> runs = List.of(jbang("list-tables", "--version").in(tree),
                jbang("list-tables@" + catalog, "--version").in(elsewhere));
        for (int i = 0; i < 3; i++) {
            for (Cli run : runs) {
                var r = run.run();
                assertEquals(0, r.exit(), r::toString);
                assertTrue(r.out().startsWith("cruddur-ddb 0.1.0\n"), r::toString);
            }
        }
        LauncherTest.replace(catalog, "List the DynamoDB tables at the target, every page", "Edited: every table name");
        var list = jbang("alias", "list").in(tree).run();
        assertTrue(list.out().contains("list-tables\n   Edited: every table name"), list::toString);
        for (Cli run : runs) assertEquals(0, run.run().exit());

        // 9.8.8, not LauncherTest's 9.8.7: the same edit would be the same jar, built by both classes at once.
        LauncherTest.replace(tree.resolve("lib/Ddb.java"), "static final String VERSION = \"0.1.0\";", "static final String VERSION = \"9.8.8\";");
        for (Cli run : runs) {
            var r = run.run();
            assertTrue(r.out().startsWith("cruddur-ddb 9.8.8\n"), "helper edit seen at once: " + r);
        }
        LauncherTest.replace(catalog, "\"script-ref\": \"bin/ddb/list-tables\"", "\"script-ref\": \"bin/ddb/scan\"");
        for (String ref : List.of("list-tables", "list-tables@" + catalog)) {
            var help = jbang(ref, "--help").in(ref.contains("@") ? elsewhere : tree).run();
            assertTrue(help.out().startsWith("Usage: scan"), "script-ref edit seen at once: " + help);
        }
        assertEquals(List.of(), JBangHome.filesUnder(elsewhere), "nothing written to the working directory");
    }

    @Test
    void appInstallOfACatalogAliasWorksFromAnyDirectory() throws Exception {
        // A throwaway JBang home: what bin/setup makes for a new user, then `jbang app install`.
        Path home = Files.createTempDirectory("jbang-home");
        JBangHome jbang = JBangHome.install(home);
        var install = jbang.jbang("app", "install", "list-tables@" + Cli.REPO.resolve("jbang-catalog.json")).run();
        assertEquals(0, install.exit(), install::toString);
        Path installed = home.resolve("bin/list-tables");
        assertTrue(Files.isExecutable(installed), install::toString);
        var run = jbang.run(installed, "-o", "text", "--endpoint-url", LocalDynamo.endpoint())
                .in(Files.createTempDirectory("anywhere")).run();
        assertEquals(0, run.exit(), run::toString);
    }

    @Test
    void copiedScriptsRunWithJustTheHelperBesideThem() throws Exception {
        Path other = Files.createTempDirectory("other-repo");
        // Each script with the family files its //SOURCES lines name (docs/architecture.md: the copying rule): seed takes
        // the paced batch writer and the capacity file; scan the table scan, the capacity file and the item JSON; seed
        // and the patterns the patterns' family file.
        for (String file : List.of("bin/ddb/scan", "bin/ddb/seed", "bin/ddb/patterns/get-conversation", "lib/Ddb.java",
                "lib/Prod.java", "lib/BatchWriter.java", "lib/Patterns.java", "lib/Capacity.java", "lib/TableScan.java",
                "lib/ItemJson.java", "lib/Text.java")) {
            Files.createDirectories(other.resolve(file).getParent());
            Files.copy(Cli.REPO.resolve(file), other.resolve(file), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        String table = Tables.fresh("copied");
        String endpoint = LocalDynamo.endpoint();

        var noSeeds = Cli.executable(other.resolve("bin/ddb/seed"), "--table", table, "--endpoint-url", endpoint).in(other).run();
        assertEquals(1, noSeeds.exit(), noSeeds::toString);
        assertTrue(noSeeds.err().contains("No seeds folder: pass --seeds DIR"), noSeeds::toString);

        var synthetic = Cli.executable(other.resolve("bin/ddb/seed"), "--table", table, "--synthetic", "--users", "3",
                "--conversations", "2", "--messages", "30", "--endpoint-url", endpoint).in(other).run();
        assertEquals(0, synthetic.exit(), synthetic::toString);

        var scan = Cli.executable(other.resolve("bin/ddb/scan"), "--table", table, "--endpoint-url", endpoint).in(other).run();
        assertEquals(0, scan.exit(), scan::toString);
        assertEquals(64, scan.out().lines().count());

        var noUuid = Cli.executable(other.resolve("bin/ddb/patterns/get-conversation"), "--table", table, "--endpoint-url", endpoint).in(other).run();
        assertEquals(2, noUuid.exit(), noUuid::toString);
        assertTrue(noUuid.err().contains("pass MESSAGE_GROUP_UUID"), noUuid::toString);
        String group = JSON.readTree(scan.out().lines().filter(l -> l.contains("\"MSG#")).findFirst().orElseThrow())
                .get("pk").asText().substring(4);
        var conversation = Cli.executable(other.resolve("bin/ddb/patterns/get-conversation"), group, "--table", table, "--all",
                "--endpoint-url", endpoint).in(other).run();
        assertEquals(0, conversation.exit(), conversation::toString);
        assertEquals(30, conversation.out().lines().count());
    }

    private static Cli.Result completion;

    /** bin/completion's output, made once for the suite (it runs every script): this class and InstalledNamesTest read it. */
    static synchronized Cli.Result completion() {
        if (completion == null) completion = Cli.executable(Cli.REPO.resolve("bin/completion")).run();
        return completion;
    }

    @Test
    void completionForEveryScript() throws Exception {
        var r = completion();
        assertEquals(0, r.exit(), r::toString);
        Path file = Files.createTempFile("completion", ".bash");
        Files.writeString(file, r.out());
        var probe = Cli.executable(Path.of("bash"), "-c", "source " + file + " 2>/dev/null; "
                + "COMP_WORDS=(seed --thr); COMP_CWORD=1; COMP_LINE='seed --thr'; _picocli_seed; echo \"${COMPREPLY[@]}\"; "
                + "COMP_WORDS=(scan --seg); COMP_CWORD=1; COMP_LINE='scan --seg'; _picocli_scan; echo \"${COMPREPLY[@]}\"").run();
        assertEquals("--threads\n--segments", probe.out().strip(), probe::toString);
        // Every script under bin/ddb, found on disk (a new one is covered at once): completed by its installed name
        // (ddb-NAME) and its path, down to its --help.
        List<Path> scripts = HeaderTest.scripts();
        assertEquals(16, scripts.size(), "the scripts today: " + scripts);
        StringBuilder help = new StringBuilder("source " + file + " 2>/dev/null; ");
        for (Path script : scripts) {
            String name = script.getFileName().toString(), command = "ddb-" + name;
            assertTrue(r.out().contains("complete -F _complete_" + name + " -o default " + command + " "
                    + Cli.REPO.relativize(script)), name);
            help.append("COMP_WORDS=(" + command + " --hel); COMP_CWORD=1; COMP_LINE='" + command + " --hel'; _picocli_" + name
                    + "; echo \"" + name + " ${COMPREPLY[@]}\"; ");
        }
        var helps = Cli.executable(Path.of("bash"), "-c", help.toString()).run();
        assertEquals(scripts.stream().map(f -> f.getFileName() + " --help").toList(), helps.out().strip().lines().toList(),
                helps::toString);
    }

    @Test
    void progressBarOnATerminalOnlyAndNotWithNoColor() throws Exception {
        String table = Tables.fresh("progress");
        // 1,200 items: above the 1,000 under which no bar is drawn at all, so NO_COLOR's and the pipe's missing bar count.
        String seed = Cli.REPO.resolve("bin/ddb/seed") + " --table " + table + " --synthetic --users 5 --conversations 12 --messages 98"
                + " --endpoint-url " + LocalDynamo.endpoint();
        // `script` gives the command a pseudo-terminal, as a user's shell would.
        var tty = Cli.executable(Path.of("script"), "-qec", seed, "/dev/null").run();
        assertEquals(0, tty.exit(), tty::toString);
        assertTrue(tty.out().contains("seed") && tty.out().contains("items/s") && tty.out().contains("100%"), tty::toString);

        var noColor = Cli.executable(Path.of("script"), "-qec", seed, "/dev/null").env("NO_COLOR", "1").run();
        assertEquals(0, noColor.exit(), noColor::toString);
        assertFalse(noColor.out().contains("100%"), noColor::toString);

        var piped = Cli.executable(Path.of("bash"), "-c", seed).run();
        assertFalse(piped.err().contains("%"), piped::toString);
    }
}
