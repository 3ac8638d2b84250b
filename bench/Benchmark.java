// The side-by-side benchmark: every script, warm, through its shebang, against the aws CLI / boto3 equivalent
// of the original scripts (bench/reference/), interleaved in one run; then bulk seed and scan. Run: bench/run.
//JAVA 17+
// Its report has en dashes and multiplication signs: compile it as UTF-8 under any locale.
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:dynamodb
//DEPS software.amazon.awssdk:url-connection-client
//DEPS org.slf4j:slf4j-nop:1.7.36
// The tests' provisioned-table front (token bucket of N WCU), for seed against a table with real capacity.
//SOURCES ../tests/src/test/java/cruddur/ddb/FaultProxy.java
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import cruddur.ddb.FaultProxy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@Command(name = "bench/run", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Benchmark the scripts against the original aws CLI / boto3 scripts on a DynamoDB Local of its own; "
                + "writes bench/RESULTS.md.")
class Benchmark implements Callable<Integer> {
    static final String ANDREW = "7e6d1a4b-0c2f-4f3e-9a51-2b8c4d6e8f01";
    static final String GROUP = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399";

    @Option(names = "--repo", required = true, description = "The repository (bench/run passes it).")
    Path repo;

    @Option(names = "--runs", defaultValue = "7", description = "Runs of each script and of its reference.")
    int runs;

    @Option(names = "--bulk-runs", defaultValue = "3", description = "Runs of each bulk workload.")
    int bulkRuns;

    @Option(names = "--conversations", defaultValue = "1000", description = "Bulk: conversations (x (messages+2) items).")
    int conversations;

    @Option(names = "--messages", defaultValue = "98", description = "Bulk: messages per conversation.")
    int messages;

    @Option(names = "--capacity-wcu", defaultValue = "20", description = "Capacity: write units of the provisioned-table front.")
    int capacityWcu;

    @Option(names = "--capacity-items", defaultValue = "3000", description = "Capacity: items seeded through that front (a multiple of 50).")
    int capacityItems;

    @Option(names = "--scale", defaultValue = "1000000", description = "Scale: the largest synthetic seed, for peak RSS (0: skip).")
    int scale;

    @Option(names = "--only", split = ",", paramLabel = "SECTION",
            description = "Run only these sections: scripts, paths, bulk, capacity, scale, export, first-run (default: all). "
                    + "Results go to stdout.")
    java.util.Set<String> only;

    @Option(names = "--cli-import-items", defaultValue = "5000", description = "Export: items the aws CLI loop of batch-write-item "
            + "(25 a call, one process each) imports: all 100,000 would take about half an hour a run.")
    int cliImportItems;

    @Option(names = "--tiny", description = "One run of everything on a few hundred items: proves the benchmark works.")
    boolean tiny;

    @Option(names = "--first-run", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure a first run on a fresh JBang home and Maven repository (downloads).")
    boolean firstRun;

    @Option(names = "--out", description = "Where to write the results (default: bench/RESULTS.md; --tiny: stdout only).")
    Path out;

    record Sample(double seconds, long rssKb, long lines) {}

    record Row(String name, String ours, String reference, List<Sample> mine, List<Sample> theirs) {}

    String endpoint;
    DynamoDbClient ddb;
    boolean boto3;
    boolean awsCli;
    final List<Row> rows = new ArrayList<>();
    final Map<String, List<Sample>> paths = new LinkedHashMap<>();
    final Map<String, String> pathCommands = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, List<Sample>> bulk = new LinkedHashMap<>();
    long bulkItems;
    final List<Transfer> transfers = new ArrayList<>();
    final Map<Long, Sample> exportRss = new LinkedHashMap<>();

    /** An export or import workload: who ran it, on how many items, its runs. */
    record Transfer(String workload, String client, long items, List<Sample> samples) {}

    public static void main(String... args) {
        System.exit(new CommandLine(new Benchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (tiny) {
            runs = 1;
            bulkRuns = 1;
            conversations = 4;
            messages = 48;
            firstRun = false;
            capacityItems = 100;
            scale = 10_000;
            cliImportItems = 100;
        }
        bulkItems = (long) conversations * (messages + 2);
        Process server = startServer();
        try {
            boto3 = quiet("python3", "-c", "import boto3");
            awsCli = quiet("aws", "--version");
            if (!boto3) notes.add("python3 with boto3 is absent: the boto3 references were skipped.");
            if (!awsCli) notes.add("the aws CLI is absent: its references were skipped.");
            if (wanted("scripts")) scripts();
            if (wanted("paths")) paths();
        } finally {
            stop(server);
        }
        if (wanted("bulk")) bulk();
        if (wanted("capacity")) capacity();
        if (scale > 0 && wanted("scale")) scale();
        if (wanted("export")) exportImport();
        if (firstRun && wanted("first-run")) {
            Process firstRunServer = startServer();
            try {
                firstRun();
            } catch (Exception e) {
                notes.add("The first-run measurement failed: " + e.getMessage());
            } finally {
                stop(firstRunServer);
            }
        }
        String report = report();
        if (out == null && !tiny && only == null) out = repo.resolve("bench/RESULTS.md");
        if (out != null) Files.writeString(out, report);
        System.out.print(report);
        return 0;
    }

    boolean wanted(String section) {
        return only == null || only.contains(section);
    }

    /** A DynamoDB Local of the benchmark's own, in memory on a free port; sets endpoint and ddb. */
    Process startServer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process server = new ProcessBuilder(repo.resolve("bin/ddb/local").toString(), "--in-memory", "--port", String.valueOf(port))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String ready = new BufferedReader(new InputStreamReader(server.getInputStream())).readLine();
        if (ready == null || !ready.startsWith("DynamoDB Local ready")) throw new IllegalStateException("bin/ddb/local did not start");
        endpoint = "http://127.0.0.1:" + port;
        ddb = DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        return server;
    }

    static void stop(Process server) throws InterruptedException {
        server.destroy();
        server.waitFor(20, TimeUnit.SECONDS);
    }

    // ---- every script, warm, against its reference ----------------------------------------------

    List<String> ours(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/ddb/" + script).toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--endpoint-url", endpoint));
        return cmd;
    }

    List<String> python(String script, String... args) {
        if (!boto3) return null;
        List<String> cmd = new ArrayList<>(List.of("python3", repo.resolve("bench/reference/" + script).toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    List<String> aws(String... args) {
        if (!awsCli) return null;
        List<String> cmd = new ArrayList<>(List.of("aws", "dynamodb"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--endpoint-url", endpoint));
        return cmd;
    }

    void scripts() throws Exception {
        String year = String.valueOf(Year.now().getValue());
        run(ours("schema-load"));
        run(ours("seed"));
        run(ours("schema-load", "--table", "bench-seed-ours", "--billing-mode", "PAY_PER_REQUEST"));
        run(ours("schema-load", "--table", "bench-seed-ref", "--billing-mode", "PAY_PER_REQUEST"));

        record Pair(String name, String ours, String reference, List<String> mine, List<String> theirs) {}
        List<java.util.function.IntFunction<Pair>> pairs = List.of(
                r -> new Pair("list-tables", "list-tables", "aws dynamodb list-tables --output table",
                        ours("list-tables"), aws("list-tables", "--output", "table")),
                r -> new Pair("schema-load", "schema-load", "boto3 create_table", ours("schema-load", "--table", "bench-ours-" + r),
                        python("schema_load.py", endpoint, "bench-ref-" + r)),
                r -> new Pair("drop", "drop TABLE", "aws dynamodb delete-table", ours("drop", "bench-ours-" + r),
                        aws("delete-table", "--table-name", "bench-ref-" + r)),
                r -> new Pair("seed (57 items)", "seed", "boto3 batch_writer", ours("seed", "--table", "bench-seed-ours"),
                        python("seed.py", endpoint, "bench-seed-ref", repo.resolve("seeds").toString())),
                r -> new Pair("scan (57 items)", "scan", "boto3 paginated scan", ours("scan"),
                        python("scan.py", endpoint, "cruddur-messages")),
                r -> new Pair("list-conversations", "list-conversations -o json", "boto3 query (original)",
                        ours("patterns/list-conversations", "-o", "json"), python("list_conversations.py", endpoint, "cruddur-messages", ANDREW, year)),
                r -> new Pair("get-conversation", "get-conversation --year Y -o json", "boto3 query (original)",
                        ours("patterns/get-conversation", "--year", year, "-o", "json"),
                        python("get_conversation.py", endpoint, "cruddur-messages", GROUP, year)));

        // Warm-up: the first runs compile, train the class archive and build it in the background.
        for (int w = 0; w < 3; w++) {
            for (var p : pairs) {
                Pair pair = p.apply(-1 - w);
                run(pair.mine());
                if (w == 0 && pair.theirs() != null) run(pair.theirs());
            }
            Thread.sleep(2000);
        }
        Map<String, List<Sample>> mine = new LinkedHashMap<>();
        Map<String, List<Sample>> theirs = new LinkedHashMap<>();
        for (int r = 0; r < runs; r++) {
            for (var p : pairs) {
                Pair pair = p.apply(r);
                // Alternate who goes first, so a drift in machine load hits both sides alike.
                boolean oursFirst = r % 2 == 0;
                if (oursFirst) mine.computeIfAbsent(pair.name(), k -> new ArrayList<>()).add(run(pair.mine()));
                if (pair.theirs() != null) theirs.computeIfAbsent(pair.name(), k -> new ArrayList<>()).add(run(pair.theirs()));
                if (!oursFirst) mine.computeIfAbsent(pair.name(), k -> new ArrayList<>()).add(run(pair.mine()));
            }
        }
        for (var p : pairs) {
            Pair pair = p.apply(0);
            rows.add(new Row(pair.name(), pair.ours(), pair.theirs() == null ? "(skipped)" : pair.reference(),
                    mine.get(pair.name()), theirs.getOrDefault(pair.name(), List.of())));
        }
    }

    // ---- the ways to run one script: the executable, alias, alias@catalog (path and URL), installed app, no fast path

    void paths() throws Exception {
        run(ours("schema-load", "--if-not-exists"));
        Path elsewhere = Files.createTempDirectory("bench-elsewhere");
        String catalog = repo.resolve("jbang-catalog.json").toString();
        // The working tree served over loopback, as a git host serves a repository's raw files.
        var http = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
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
            run(List.of("jbang", "app", "install", "--force", "--name", app, "list-tables@" + catalog));
            String appPath = new String(new ProcessBuilder("bash", "-c", "command -v " + app).start().getInputStream().readAllBytes()).strip();
            record Way(String name, String shown, List<String> cmd, Path dir, Map<String, String> env) {}
            List<String> tail = List.of("-o", "text", "--endpoint-url", endpoint);
            java.util.function.BiFunction<List<String>, List<String>, List<String>> with = (a, b) -> {
                List<String> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            };
            List<Way> ways = new ArrayList<>(List.of(
                    new Way("direct (the executable)", "bin/ddb/list-tables", with.apply(List.of(repo.resolve("bin/ddb/list-tables").toString()), tail), repo, Map.of()),
                    new Way("alias, in the repository", "jbang list-tables", with.apply(List.of("jbang", "list-tables"), tail), repo, Map.of()),
                    new Way("alias@catalog path, elsewhere", "jbang list-tables@/path/jbang-catalog.json",
                            with.apply(List.of("jbang", "list-tables@" + catalog), tail), elsewhere, Map.of()),
                    new Way("alias@catalog URL, elsewhere", "jbang list-tables@http://127.0.0.1:PORT/jbang-catalog.json",
                            with.apply(List.of("jbang", "list-tables@" + url), tail), elsewhere, Map.of()),
                    new Way("installed app, elsewhere", "list-tables (jbang app install)", with.apply(List.of(appPath), tail), elsewhere, Map.of()),
                    new Way("no fast path (JBANG_FAST=0)", "JBANG_FAST=0 bin/ddb/list-tables",
                            with.apply(List.of(repo.resolve("bin/ddb/list-tables").toString()), tail), repo, Map.of("JBANG_FAST", "0"))));
            if (awsCli) {
                ways.add(new Way("reference: the aws CLI", "aws dynamodb list-tables --output table",
                        aws("list-tables", "--output", "table"), repo, Map.of()));
            }
            // Warm-up: each way learns its command, trains its class archive and builds it in the background.
            for (int w = 0; w < 3; w++) {
                for (Way way : ways) run(way.cmd(), way.env(), way.dir());
                Thread.sleep(2000);
            }
            for (int r = 0; r < runs; r++) {
                List<Way> order = new ArrayList<>(ways);
                java.util.Collections.rotate(order, r);
                for (Way way : order) paths.computeIfAbsent(way.name(), k -> new ArrayList<>()).add(run(way.cmd(), way.env(), way.dir()));
            }
            for (Way way : ways) pathCommands.put(way.name(), way.shown());
        } finally {
            http.stop(0);
            quiet("jbang", "app", "uninstall", app);
        }
    }

    // ---- bulk: synthetic seed and scan ----------------------------------------------------------

    void bulk() throws Exception {
        String c = String.valueOf(conversations);
        String m = String.valueOf(messages);
        Map<String, java.util.function.Function<String, List<String>>> writers = new LinkedHashMap<>();
        writers.put("seed --synthetic (8 threads, default)", t -> ours("seed", "--table", t, "--synthetic", "--conversations", c, "--messages", m));
        if (boto3) {
            writers.put("boto3 Table.batch_writer()", t -> python("seed_bulk.py", endpoint, t, c, m));
            writers.put("boto3 batch_write_item, 8 threads", t -> python("seed_bulk.py", endpoint, t, c, m, "8"));
        }
        writers.put("ceiling: seed --synthetic --threads 16", t -> ours("seed", "--table", t, "--synthetic", "--conversations", c, "--messages", m, "--threads", "16"));
        writers.put("ceiling: seed --synthetic --threads 32", t -> ours("seed", "--table", t, "--synthetic", "--conversations", c, "--messages", m, "--threads", "32"));
        // Every write run gets a fresh server: an in-memory DynamoDB Local grows with every table it held, and a
        // later run on an older server would be slower for reasons of its own. Who goes first alternates.
        for (int r = 0; r < bulkRuns; r++) {
            List<Map.Entry<String, java.util.function.Function<String, List<String>>>> order = new ArrayList<>(writers.entrySet());
            if (r % 2 == 1) java.util.Collections.reverse(order);
            for (var w : order) {
                Process server = startServer();
                try {
                    createTable("bulk");
                    Sample s = run(w.getValue().apply("bulk"));
                    long count = ddb.scanPaginator(q -> q.tableName("bulk").select("COUNT")).stream().mapToLong(p -> p.count()).sum();
                    if (count != bulkItems) throw new IllegalStateException(w.getKey() + " left " + count + " items, not " + bulkItems);
                    bulk.computeIfAbsent("write|" + w.getKey(), k -> new ArrayList<>()).add(s);
                } finally {
                    stop(server);
                }
            }
        }
        Process server = startServer();
        try {
            readAll(c, m);
        } finally {
            stop(server);
        }
    }

    void readAll(String c, String m) throws Exception {
        String table = "bulk-scan";
        createTable(table);
        run(ours("seed", "--table", table, "--synthetic", "--conversations", c, "--messages", m));
        Map<String, List<String>> readers = new LinkedHashMap<>();
        readers.put("scan (4 segments, default)", ours("scan", "--table", table));
        if (boto3) {
            readers.put("boto3 paginated scan", python("scan.py", endpoint, table));
            readers.put("boto3 parallel scan, 4 segments", python("scan.py", endpoint, table, "4"));
        }
        readers.put("ceiling: scan --segments 16", ours("scan", "--table", table, "--segments", "16"));
        for (int r = 0; r < bulkRuns; r++) {
            List<Map.Entry<String, List<String>>> order = new ArrayList<>(readers.entrySet());
            if (r % 2 == 1) java.util.Collections.reverse(order);
            for (var e : order) {
                Sample s = run(e.getValue());
                if (s.lines() != bulkItems) throw new IllegalStateException(e.getKey() + " printed " + s.lines() + " items, not " + bulkItems);
                bulk.computeIfAbsent("read|" + e.getKey(), k -> new ArrayList<>()).add(s);
            }
        }
    }

    // ---- export and import, against the aws CLI ----------------------------------------------------

    void exportImport() throws Exception {
        Process server = startServer();
        try {
            String c = String.valueOf(conversations), m = String.valueOf(messages);
            createTable("source");
            run(ours("seed", "--table", "source", "--synthetic", "--conversations", c, "--messages", m));
            Path dir = Files.createTempDirectory("bench-export");
            Path file = dir.resolve("items.json.gz");
            run(ours("export", "--table", "source", "-o", file.toString()));
            long cliItems = Math.min(cliImportItems, bulkItems);
            int batches = awsCli ? cliBatches(file, dir, cliItems) : 0;
            String loop = "for f in \"$1\"/batch-*.json; do aws dynamodb batch-write-item --request-items \"file://$f\" "
                    + "--endpoint-url \"$2\" > /dev/null || exit 1; done";
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            for (int r = 0; r < bulkRuns; r++) {
                List<String> order = new ArrayList<>(List.of("export|ours", "export|aws", "import|ours", "import|aws"));
                if (r % 2 == 1) java.util.Collections.reverse(order);
                for (String w : order) {
                    if (w.endsWith("aws") && !awsCli) continue;
                    String table = w.endsWith("aws") ? "cli-copy" : "copy";
                    if (w.startsWith("import")) createTable(table);
                    Sample s = switch (w) {
                        case "export|ours" -> run(ours("export", "--table", "source"));
                        case "export|aws" -> run(aws("scan", "--table-name", "source", "--output", "json"));
                        case "import|ours" -> run(ours("import", file.toString(), "--table", table));
                        default -> run(List.of("bash", "-c", loop, "import", dir.toString(), endpoint));
                    };
                    if (w.equals("export|ours") && s.lines() != bulkItems) throw new IllegalStateException("export printed " + s.lines() + " items");
                    if (w.startsWith("import")) {
                        long count = ddb.scanPaginator(q -> q.tableName(table).select("COUNT")).stream().mapToLong(p -> p.count()).sum();
                        long want = w.endsWith("ours") ? bulkItems : cliItems;
                        if (count != want) throw new IllegalStateException(w + " left " + count + " items, not " + want);
                        ddb.deleteTable(d -> d.tableName(table));
                    }
                    samples.computeIfAbsent(w, k -> new ArrayList<>()).add(s);
                }
            }
            transfers.add(new Transfer("export", "export (4 segments, to a pipe)", bulkItems, samples.get("export|ours")));
            if (awsCli) transfers.add(new Transfer("export", "aws dynamodb scan --output json (to a pipe)", bulkItems, samples.get("export|aws")));
            transfers.add(new Transfer("import", "import FILE (gzipped; checked, then 8 threads)", bulkItems, samples.get("import|ours")));
            if (awsCli) transfers.add(new Transfer("import", String.format("aws dynamodb batch-write-item, %,d calls of 25 in a shell loop", batches), cliItems, samples.get("import|aws")));

            exportRss.put(bulkItems, samples.get("export|ours").stream().max(java.util.Comparator.comparingLong(Sample::rssKb)).orElseThrow());
            if (scale > bulkItems) { // the same export on --scale items: constant memory means the same peak RSS
                createTable("large");
                run(ours("seed", "--table", "large", "--synthetic", "--conversations", String.valueOf(scale / (messages + 2)), "--messages", m));
                Sample large = run(ours("export", "--table", "large"));
                long largeItems = (long) (scale / (messages + 2)) * (messages + 2);
                if (large.lines() != largeItems) throw new IllegalStateException("export printed " + large.lines() + " items, not " + largeItems);
                exportRss.put(largeItems, large);
            }
        } finally {
            stop(server);
        }
    }

    /** The first `items` lines of an export as request files of 25 PutRequests for table cli-copy, as a user of the aws CLI writes them. */
    static int cliBatches(Path export, Path dir, long items) throws IOException {
        List<String> lines;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(export))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(items).toList();
        }
        int n = 0;
        for (int i = 0; i < lines.size(); i += 25, n++) {
            StringBuilder sb = new StringBuilder("{\"cli-copy\": [");
            for (int j = i; j < Math.min(i + 25, lines.size()); j++) {
                String item = lines.get(j).substring("{\"Item\":".length(), lines.get(j).length() - 1);
                sb.append(j == i ? "" : ",").append("{\"PutRequest\": {\"Item\": ").append(item).append("}}");
            }
            Files.writeString(dir.resolve(String.format("batch-%05d.json", n)), sb.append("]}").toString());
        }
        return n;
    }

    void createTable(String table) {
        ddb.createTable(t -> t.tableName(table).billingMode("PAY_PER_REQUEST")
                .keySchema(k -> k.attributeName("pk").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE"))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"), a -> a.attributeName("sk").attributeType("S")));
    }

    // ---- seed against a table with real capacity, and at scale ---------------------------------------

    record CapacityRun(String client, int items, double seconds, double unitsPerSecond, int calls, int throttled, String outcome) {}

    final List<CapacityRun> capacityRuns = new ArrayList<>();
    final List<String[]> scaleRows = new ArrayList<>();

    /** seed and boto3's batch_writer through the same provisioned-table front: time, share of capacity, refusals. */
    void capacity() throws Exception {
        String c = String.valueOf(capacityItems / 50);
        Map<String, java.util.function.Function<String, List<String>>> clients = new LinkedHashMap<>();
        // --yes: the front's tables have a real account's ARN, so a write there is prod's (issue 17).
        clients.put("seed --synthetic", ep -> withEndpoint(ours("seed", "--table", "cap", "--synthetic", "--users", "20",
                "--conversations", c, "--messages", "48", "--yes"), ep));
        if (boto3) clients.put("boto3 Table.batch_writer()", ep -> python("seed_bulk.py", ep, "cap", c, "48"));
        for (var client : clients.entrySet()) {
            Process server = startServer();
            try (FaultProxy front = FaultProxy.capacity(endpoint, capacityWcu)) {
                createTable("cap");
                String outcome = "exit 0";
                long start = System.nanoTime();
                try {
                    run(client.getValue().apply(front.endpoint()));
                } catch (IllegalStateException e) {
                    outcome = e.getMessage().substring(0, e.getMessage().indexOf(':'));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long landed = ddb.scanPaginator(q -> q.tableName("cap").select("COUNT")).stream().mapToLong(p -> p.count()).sum();
                capacityRuns.add(new CapacityRun(client.getKey(), (int) landed, seconds, front.unitsPerSecond(),
                        front.writeCalls.get(), front.throttledCalls.get(), outcome));
            } finally {
                stop(server);
            }
        }
    }

    /** Peak RSS of seed --synthetic at 100,000 items and at --scale items: constant memory means the same figure. */
    void scale() throws Exception {
        for (int items : new int[] {Math.min(100_000, scale), scale}) {
            Process server = startServer();
            try {
                createTable("scale");
                Sample s = run(ours("seed", "--table", "scale", "--synthetic", "--users", "1000", "--conversations",
                        String.valueOf(items / 100), "--messages", "98"));
                scaleRows.add(new String[] {String.format("%,d", items), String.format("%.1f", s.seconds()),
                        String.format("%,.0f", items / s.seconds()), rss(List.of(s))});
            } finally {
                stop(server);
            }
            if (items == scale) break;
        }
    }

    static List<String> withEndpoint(List<String> cmd, String endpoint) {
        List<String> copy = new ArrayList<>(cmd);
        copy.set(copy.size() - 1, endpoint);
        return copy;
    }

    // ---- first run on a fresh machine -------------------------------------------------------------

    void firstRun() throws Exception {
        Path home = Files.createTempDirectory("bench-jbang-home");
        Path maven = Files.createTempDirectory("bench-m2");
        Map<String, String> env = Map.of("JBANG_DIR", home.toString(), "JBANG_REPO", maven.toString(),
                "MAVEN_OPTS", "-Dmaven.repo.local=" + maven, "PATH", home.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
        Sample install = run(List.of(repo.resolve("bin/setup").toString()), env);
        Sample first = run(ours("list-tables"), env);
        Sample second = run(ours("list-tables"), env);
        notes.add(String.format("First run on a fresh JBang home and an empty Maven repository: bin/setup (JBang %s from Maven "
                + "Central) %.1f s; then the first list-tables (resolving and downloading its dependencies, compiling) %.1f s; "
                + "the second %.2f s.", "0.127.18", install.seconds(), first.seconds(), second.seconds()));
    }

    // ---- running and measuring ------------------------------------------------------------------

    static boolean quiet(String... cmd) {
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    Sample run(List<String> cmd) throws Exception {
        return run(cmd, Map.of());
    }

    /** Wall time, peak RSS (GNU time, when present) and the lines it wrote to its stdout pipe. */
    Sample run(List<String> cmd, Map<String, String> extraEnv) throws Exception {
        return run(cmd, extraEnv, repo);
    }

    Sample run(List<String> cmd, Map<String, String> extraEnv, Path dir) throws Exception {
        if (cmd == null) return null;
        Path rss = Files.createTempFile("bench-rss", ".txt");
        List<String> full = new ArrayList<>();
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        if (gnuTime) full.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
        full.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "bench", "AWS_SECRET_ACCESS_KEY", "bench", "AWS_REGION", "us-east-1", "AWS_DEFAULT_REGION", "us-east-1",
                "AWS_PAGER", "", "COLUMNS", "120"));
        pb.environment().putAll(extraEnv);
        long start = System.nanoTime();
        Process p = pb.start();
        long lines = 0;
        try (InputStream in = p.getInputStream()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) if (buffer[i] == '\n') lines++;
            }
        }
        int exit = p.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) throw new IllegalStateException("exit " + exit + ": " + String.join(" ", cmd));
        long kb = -1;
        if (gnuTime) {
            String text = Files.readString(rss).trim();
            kb = text.isEmpty() ? -1 : Long.parseLong(text.substring(text.lastIndexOf('\n') + 1).trim());
        }
        Files.deleteIfExists(rss);
        return new Sample(seconds, kb, lines);
    }

    // ---- the report --------------------------------------------------------------------------------

    static double median(List<Sample> samples) {
        List<Double> s = samples.stream().map(Sample::seconds).sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String range(List<Sample> samples) {
        double min = samples.stream().mapToDouble(Sample::seconds).min().orElse(0);
        double max = samples.stream().mapToDouble(Sample::seconds).max().orElse(0);
        return String.format("%.3f–%.3f", min, max);
    }

    static String rss(List<Sample> samples) {
        long max = samples.stream().mapToLong(Sample::rssKb).max().orElse(-1);
        return max < 0 ? "n/a" : String.format("%d MB", Math.round(max / 1024.0));
    }

    String report() throws Exception {
        String java = new String(new ProcessBuilder("java", "-version").redirectErrorStream(true).start().getInputStream()
                .readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
        StringBuilder sb = new StringBuilder();
        sb.append("# Benchmark results\n\n");
        sb.append(String.format("%s, %d cores, %s (java on PATH; the launcher runs the scripts on the newest JDK 25+ it finds), "
                + "DynamoDB Local 2.6.1 in memory on the same machine.%s%n%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                java, tiny ? " **Tiny mode: one run, a few hundred items; not a measurement.**" : ""));
        if (!rows.isEmpty()) {
            sb.append(String.format("## Every script, warm, through its shebang (median of %d runs, interleaved with the reference)%n%n", runs));
            sb.append("| operation | this | median s | min–max s | peak RSS | reference | median s | min–max s | peak RSS | this / reference |\n");
            sb.append("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n");
            for (Row r : rows) {
                boolean ref = !r.theirs().isEmpty();
                sb.append(String.format("| %s | `%s` | %.3f | %s | %s | %s | %s | %s | %s | %s |%n", r.name(), r.ours(), median(r.mine()), range(r.mine()),
                        rss(r.mine()), r.reference(), ref ? String.format("%.3f", median(r.theirs())) : "", ref ? range(r.theirs()) : "",
                        ref ? rss(r.theirs()) : "", ref ? String.format("**%.2f×**", median(r.mine()) / median(r.theirs())) : ""));
            }
        }
        if (!paths.isEmpty()) {
            sb.append(String.format("%n## One script, every way to run it: list-tables, warm (median of %d runs, interleaved)%n%n", runs));
            sb.append("| way | command | median s | min–max s | × direct |\n| --- | --- | ---: | ---: | ---: |\n");
            double direct = median(paths.values().iterator().next());
            for (var e : paths.entrySet()) {
                sb.append(String.format("| %s | `%s` | %.3f | %s | %.2f× |%n", e.getKey(), pathCommands.get(e.getKey()), median(e.getValue()),
                        range(e.getValue()), median(e.getValue()) / direct));
            }
        }
        if (!bulk.isEmpty()) {
            sb.append(String.format("%n## Bulk: %,d items (median of %d runs; items/s over the whole process, start-up included)%n%n", bulkItems, bulkRuns));
            sb.append("| workload | client | median s | min–max s | items/s | peak RSS | this project's default is |\n");
            sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
            Map<String, Double> defaults = new LinkedHashMap<>();
            for (var e : bulk.entrySet()) {
                String kind = e.getKey().substring(0, e.getKey().indexOf('|'));
                double rate = bulkItems / median(e.getValue());
                defaults.putIfAbsent(kind, rate);
                sb.append(String.format("| %s | %s | %.2f | %s | %,.0f | %s | %s |%n", kind.equals("write") ? "seed (write)" : "scan (read to a pipe)",
                        e.getKey().substring(e.getKey().indexOf('|') + 1), median(e.getValue()), range(e.getValue()), rate,
                        rss(e.getValue()), String.format("%.2f× as fast", defaults.get(kind) / rate)));
            }
            double ceilingWrite = bulk.entrySet().stream().filter(e -> e.getKey().startsWith("write|"))
                    .mapToDouble(e -> bulkItems / median(e.getValue())).max().orElse(0);
            double ceilingRead = bulk.entrySet().stream().filter(e -> e.getKey().startsWith("read|"))
                    .mapToDouble(e -> bulkItems / median(e.getValue())).max().orElse(0);
            sb.append(String.format("%nDynamoDB Local's ceiling on this machine, the best of any client above: %,.0f items/s written, "
                    + "%,.0f items/s scanned. The default seed reaches %.0f%% of the write ceiling.%n", ceilingWrite, ceilingRead,
                    100 * defaults.getOrDefault("write", 0.0) / ceilingWrite));
        }
        if (!capacityRuns.isEmpty()) {
            sb.append(String.format("%n## Seed against a provisioned table of %d WCU (one run each)%n%n", capacityWcu));
            sb.append("A front in front of DynamoDB Local that behaves like a provisioned table: a token bucket of the WCU with one second "
                    + "of burst; writes beyond it come back as UnprocessedItems, a call with none left is a ProvisionedThroughputExceededException. "
                    + "Capacity-bound runs vary little, so one run each.\n\n");
            sb.append("| client | items landed | s | units/s accepted | share of capacity | write calls | refused calls | outcome |\n");
            sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
            for (CapacityRun r : capacityRuns) {
                sb.append(String.format("| %s | %,d of %,d | %.1f | %.1f | %.0f%% | %d | %d | %s |%n", r.client(), r.items(), capacityItems,
                        r.seconds(), r.unitsPerSecond(), 100 * r.unitsPerSecond() / capacityWcu, r.calls(), r.throttled(), r.outcome()));
            }
        }
        if (!scaleRows.isEmpty()) {
            sb.append("\n## seed --synthetic at scale (one run each, a fresh server each)\n\n");
            sb.append("| items | s | items/s | peak RSS |\n| ---: | ---: | ---: | ---: |\n");
            for (String[] r : scaleRows) sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        if (!transfers.isEmpty()) transferReport(sb);
        if (!notes.isEmpty()) {
            sb.append("\n## Notes\n\n");
            for (String n : notes) sb.append("- ").append(n).append('\n');
        }
        return sb.toString();
    }

    void transferReport(StringBuilder sb) {
        sb.append(String.format("%n## Export and import: %,d items (median of %d interleaved runs; items/s over the whole process)%n%n", bulkItems, bulkRuns));
        sb.append("| workload | client | items | median s | min–max s | items/s | peak RSS | this project is |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        Map<String, Double> ours = new LinkedHashMap<>();
        for (Transfer t : transfers) {
            double rate = t.items() / median(t.samples());
            ours.putIfAbsent(t.workload(), rate);
            sb.append(String.format("| %s | %s | %,d | %.2f | %s | %,.0f | %s | %s |%n", t.workload(), t.client(), t.items(), median(t.samples()),
                    range(t.samples()), rate, rss(t.samples()), String.format("%.2f× as fast", ours.get(t.workload()) / rate)));
        }
        sb.append("\nPeak RSS of `export` by table size (flat: items stream through, a page per segment at a time): ");
        List<String> sizes = new ArrayList<>();
        exportRss.forEach((items, sample) -> sizes.add(String.format("%,d items %s (%.1f s)", items, rss(List.of(sample)), sample.seconds())));
        sb.append(String.join("; ", sizes)).append(".\n");
    }
}
