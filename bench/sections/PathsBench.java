import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Section `paths`: one script (list-tables), every way to run it: the executable, the alias, alias@catalog by path and
 * by URL, the installed app, and without JBang's fast path; the aws CLI beside them.
 */
final class PathsBench implements Section {
    record Way(String name, String shown, List<String> cmd, Path dir, Map<String, String> env) {}

    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
    private final Map<String, String> commands = new LinkedHashMap<>();

    @Override
    public String name() {
        return "paths";
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        Path repo = run.repo;
        try (Runner.Local local = run.local()) {
            run.run(local.ours("schema-load", "--if-not-exists"));
            Path elsewhere = Files.createTempDirectory("bench-elsewhere");
            String catalog = repo.resolve("jbang-catalog.json").toString();
            // The working tree served over loopback, as a git host serves a repository's raw files.
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/", exchange -> {
                Path file = repo.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
                byte[] body = file.startsWith(repo) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
                exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
                if (body != null) exchange.getResponseBody().write(body);
                exchange.close();
            });
            http.start();
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/jbang-catalog.json";
            String app = "cruddur-bench-list-tables";
            try {
                run.run(List.of("jbang", "app", "install", "--force", "--name", app, "list-tables@" + catalog));
                String appPath = new String(new ProcessBuilder("bash", "-c", "command -v " + app).start().getInputStream()
                        .readAllBytes()).strip();
                List<String> tail = List.of("-o", "text", "--endpoint-url", local.endpoint);
                String direct = repo.resolve("bin/ddb/list-tables").toString();
                List<Way> ways = new ArrayList<>(List.of(
                        new Way("direct (the executable)", "bin/ddb/list-tables", with(List.of(direct), tail), repo, Map.of()),
                        new Way("alias, in the repository", "jbang list-tables", with(List.of("jbang", "list-tables"), tail), repo, Map.of()),
                        new Way("alias@catalog path, elsewhere", "jbang list-tables@/path/jbang-catalog.json",
                                with(List.of("jbang", "list-tables@" + catalog), tail), elsewhere, Map.of()),
                        new Way("alias@catalog URL, elsewhere", "jbang list-tables@http://127.0.0.1:PORT/jbang-catalog.json",
                                with(List.of("jbang", "list-tables@" + url), tail), elsewhere, Map.of()),
                        new Way("installed app, elsewhere", "list-tables (jbang app install)", with(List.of(appPath), tail), elsewhere, Map.of()),
                        new Way("no fast path (JBANG_FAST=0)", "JBANG_FAST=0 bin/ddb/list-tables", with(List.of(direct), tail), repo,
                                Map.of("JBANG_FAST", "0")),
                        new Way("direct, on a Mac-like PATH", "PATH=<no sha*sum, setsid, timeout, stdbuf> bin/ddb/list-tables",
                                with(List.of(direct), tail), repo, Map.of("PATH", macLikePath()))));
                if (run.awsCli) {
                    ways.add(new Way("reference: the aws CLI", "aws dynamodb list-tables --output table",
                            local.aws("list-tables", "--output", "table"), repo, Map.of()));
                }
                // Warm-up: each way learns its command, trains its class archive and builds it in the background.
                Runner.warmUp(w -> {
                    for (Way way : ways) run.run(way.cmd(), way.env(), way.dir());
                });
                for (int r = 0; r < bench.runs; r++) {
                    for (Way way : Runner.rotate(ways, r)) {
                        samples.computeIfAbsent(way.name(), k -> new ArrayList<>()).add(run.run(way.cmd(), way.env(), way.dir()));
                    }
                }
                for (Way way : ways) commands.put(way.name(), way.shown());
            } finally {
                http.stop(0);
                Runner.quiet("jbang", "app", "uninstall", app);
            }
        }
    }

    /**
     * What a Mac has on its PATH and a Debian more (issue 24): links to every file of /usr/bin and /bin but GNU's
     * checksum tools, setsid, timeout and stdbuf, after the folder of the jbang in use (the tests' StrippedPath).
     */
    private static String macLikePath() throws Exception {
        Set<String> notOnAMac = Set.of("md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum",
                "setsid", "timeout", "stdbuf");
        Path links = Files.createTempDirectory("bench-mac-like-path");
        for (String dir : List.of("/usr/bin", "/bin")) {
            try (var files = Files.list(Path.of(dir))) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (notOnAMac.contains(name) || Files.exists(links.resolve(name), LinkOption.NOFOLLOW_LINKS)) continue;
                    Files.createSymbolicLink(links.resolve(name), file);
                }
            }
        }
        String jbang = new String(new ProcessBuilder("bash", "-c", "command -v jbang").start().getInputStream()
                .readAllBytes()).strip();
        return Path.of(jbang).getParent() + ":" + links;
    }

    private static List<String> with(List<String> command, List<String> tail) {
        List<String> all = new ArrayList<>(command);
        all.addAll(tail);
        return all;
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (samples.isEmpty()) return;
        out.add("%n## One script, every way to run it: list-tables, warm (median of %d runs, interleaved)%n%n", bench.runs);
        out.add("| way | command | median s | min–max s | × direct |\n| --- | --- | ---: | ---: | ---: |\n");
        double direct = Report.median(samples.values().iterator().next());
        for (var e : samples.entrySet()) {
            out.add("| %s | `%s` | %.3f | %s | %.2f× |%n", e.getKey(), commands.get(e.getKey()), Report.median(e.getValue()),
                    Report.range(e.getValue()), Report.median(e.getValue()) / direct);
        }
    }
}
