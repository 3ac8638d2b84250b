package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JBang way to share scripts: `jbang alias@CATALOG-URL` and `jbang app install alias@CATALOG-URL`. The tree as a
 * clone has it (the files the suite compiled) is served over HTTP on loopback, as a git host serves raw files, and the
 * scripts run from an empty folder with a JBang home of its own: nothing of the repository on disk is used.
 */
class RemoteCatalogTest {
    static HttpServer server;
    static String catalog;
    static final Set<String> served = ConcurrentHashMap.newKeySet();
    static JBangHome jbang;

    @BeforeAll
    static void serveTheTree() throws Exception {
        Path root = FreshCloneTest.freshClone();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            byte[] body = file.startsWith(root) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            served.add(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        catalog = "http://127.0.0.1:" + server.getAddress().getPort() + "/jbang-catalog.json";
        jbang = JBangHome.install(Files.createTempDirectory("jbang-remote"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop(0);
    }

    static Cli.Result inAnEmptyFolder(Cli cli) throws Exception {
        Path empty = Files.createTempDirectory("empty");
        var r = cli.in(empty).run();
        assertEquals(List.of(), JBangHome.filesUnder(empty), "nothing written to the working directory");
        return r;
    }

    Cli.Result alias(String name, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(name + "@" + catalog));
        all.addAll(List.of(args));
        all.addAll(List.of("--endpoint-url", LocalDynamo.endpoint()));
        return inAnEmptyFolder(jbang.jbang(all.toArray(String[]::new)));
    }

    @Test
    void everyWorkingScriptRunsFromTheCatalogUrl() throws Exception {
        String table = LocalDynamo.uniqueTable("remote");
        var schema = alias("schema-load", "--table", table, "--billing-mode", "PAY_PER_REQUEST");
        assertEquals(0, schema.exit(), schema::toString);
        assertTrue(served.containsAll(Set.of("/jbang-catalog.json", "/bin/ddb/schema-load", "/lib/Ddb.java")), served::toString);

        var tables = alias("list-tables", "-o", "text");
        assertEquals(0, tables.exit(), tables::toString);
        assertTrue(tables.out().lines().anyMatch(table::equals), tables::toString);

        var seed = alias("seed", "--table", table, "--synthetic", "--users", "3", "--conversations", "2", "--messages", "10");
        assertEquals(0, seed.exit(), seed::toString);
        assertEquals(2 * (10 + 2), LocalDynamo.scanAll(LocalDynamo.client(), table).size());

        var scan = alias("scan", "--table", table);
        assertEquals(0, scan.exit(), scan::toString);
        assertEquals(24, scan.out().lines().count(), scan::toString);

        String group = new ObjectMapper().readTree(scan.out().lines().filter(l -> l.contains("\"MSG#")).findFirst().orElseThrow())
                .get("pk").asText().substring(4);
        var conversation = alias("get-conversation", group, "--table", table, "--all");
        assertEquals(0, conversation.exit(), conversation::toString);
        assertEquals(10, conversation.out().lines().count(), conversation::toString);

        var drop = alias("drop", table);
        assertEquals(0, drop.exit(), drop::toString);
        // Every alias of the catalog resolves from the URL (JBang fetches its script and every //SOURCES file over HTTP
        // and resolves its //DEPS) to exactly the build the suite made of that script and tests everywhere else: JBang
        // names a jar by a digest of all its sources and dependencies, so the same name means the same build. The
        // aliases above compile and run from the URL for real; compiling the others again (~9 s each) proves no more.
        Path suiteJars = HeaderTest.suiteJBangHome().resolve("cache/jars");
        var aliases = new ObjectMapper().readTree(Cli.REPO.resolve("jbang-catalog.json").toFile()).get("aliases");
        for (var it = aliases.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            String script = aliases.get(name).get("script-ref").asText();
            var info = inAnEmptyFolder(jbang.jbang("info", "tools", name + "@" + catalog));
            assertEquals(0, info.exit(), info::toString);
            assertTrue(served.contains("/" + script), name + ": " + served);
            String jar = Path.of(new ObjectMapper().readTree(info.out()).get("applicationJar").asText()).getParent()
                    .getFileName().toString();
            assertTrue(Files.isDirectory(suiteJars.resolve(jar)), name + "@URL builds " + jar + ", not the suite's build of "
                    + script + " (bin/test builds every script first)");
        }

        // And through JBang itself, without the launcher's fast path (what the official JBang does).
        var official = inAnEmptyFolder(jbang.jbang("list-tables@" + catalog, "-o", "json", "--endpoint-url", LocalDynamo.endpoint())
                .env("JBANG_FAST", "0"));
        assertEquals(0, official.exit(), official::toString);
        assertTrue(official.out().strip().startsWith("["), official::toString);
    }

    @Test
    void appInstallOfACatalogUrlAliasRunsFromAnyFolder() throws Exception {
        String table = Tables.fresh("remote-app");
        var install = inAnEmptyFolder(jbang.jbang("app", "install", "--force", "list-tables@" + catalog));
        assertEquals(0, install.exit(), install::toString);
        Path installed = jbang.bin.resolve("list-tables");
        assertTrue(Files.isExecutable(installed), install::toString);
        for (int i = 0; i < 3; i++) {
            var run = inAnEmptyFolder(jbang.run(installed, "-o", "text", "--endpoint-url", LocalDynamo.endpoint()));
            assertEquals(0, run.exit(), run::toString);
            assertTrue(run.out().lines().anyMatch(table::equals), run::toString);
        }
    }
}
