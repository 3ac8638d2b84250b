import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** One run of a command: wall time, peak RSS (KB, -1 unknown) and the lines it wrote to its stdout pipe. */
record Sample(double seconds, long rssKb, long lines) {}

/**
 * Runs what the benchmark measures: a command as a process (wall time, peak RSS through GNU time, lines out), the
 * commands themselves (ours, the boto3 references, the aws CLI), DynamoDB Local servers of the benchmark's own,
 * and the orders that interleave competitors so that a drift in machine load hits both sides alike.
 */
final class Runner {
    final Path repo;
    /**
     * The interpreter itself, not a version manager's shim in front of it (pyenv's adds some 0.4 s to every run, which
     * the references would be charged with); the aws CLI beside it when it is there.
     */
    final String python = output("python3", "-c", "import sys; print(sys.executable)").orElse("python3");
    final String awsCommand = Path.of(python).resolveSibling("aws").toFile().canExecute()
            ? Path.of(python).resolveSibling("aws").toString() : "aws";
    final boolean boto3 = quiet(python, "-c", "import boto3");
    final boolean awsCli = quiet(awsCommand, "--version");

    Runner(Path repo) {
        this.repo = repo;
    }

    // ---- the commands ------------------------------------------------------------------------------

    /** One of our scripts, at an endpoint. */
    List<String> ours(String endpoint, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/ddb/" + script).toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--endpoint-url", endpoint));
        return cmd;
    }

    /** A boto3 reference of bench/reference/, or null (skipped) without boto3. */
    List<String> python(String script, String... args) {
        if (!boto3) return null;
        List<String> cmd = new ArrayList<>(List.of(python, repo.resolve("bench/reference/" + script).toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** An aws dynamodb command at an endpoint, or null (skipped) without the aws CLI. */
    List<String> aws(String endpoint, String... args) {
        if (!awsCli) return null;
        List<String> cmd = new ArrayList<>(List.of(awsCommand, "dynamodb"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--endpoint-url", endpoint));
        return cmd;
    }

    // ---- DynamoDB Local ----------------------------------------------------------------------------

    /** A DynamoDB Local of the benchmark's own, in memory on a free port, started as a user starts it. */
    Local local() throws Exception {
        return new Local();
    }

    final class Local implements AutoCloseable {
        final Process process;
        final String endpoint;
        final DynamoDbClient ddb;

        private Local() throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            process = new ProcessBuilder(repo.resolve("bin/ddb/local").toString(), "--in-memory", "--port", String.valueOf(port))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String ready = new BufferedReader(new InputStreamReader(process.getInputStream())).readLine();
            if (ready == null || !ready.startsWith("DynamoDB Local ready")) throw new IllegalStateException("bin/ddb/local did not start");
            endpoint = "http://127.0.0.1:" + port;
            ddb = DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        }

        List<String> ours(String script, String... args) {
            return Runner.this.ours(endpoint, script, args);
        }

        List<String> aws(String... args) {
            return Runner.this.aws(endpoint, args);
        }

        /** An on-demand table with the messages table's keys (pk, sk), no index. */
        void createTable(String table) {
            ddb.createTable(t -> t.tableName(table).billingMode("PAY_PER_REQUEST")
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE"))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"), a -> a.attributeName("sk").attributeType("S")));
        }

        long count(String table) {
            return ddb.scanPaginator(q -> q.tableName(table).select("COUNT")).stream().mapToLong(p -> p.count()).sum();
        }

        @Override
        public void close() throws InterruptedException {
            ddb.close();
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    // ---- running and measuring ---------------------------------------------------------------------

    /** The first line a command prints, when it succeeds. */
    static java.util.Optional<String> output(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? java.util.Optional.of(out.lines().findFirst().orElseThrow())
                    : java.util.Optional.empty();
        } catch (IOException | InterruptedException e) {
            return java.util.Optional.empty();
        }
    }

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

    Sample run(List<String> cmd, Map<String, String> extraEnv) throws Exception {
        return run(cmd, extraEnv, repo);
    }

    /** Runs cmd (null: skipped, null back) in dir; a non-zero exit is an IllegalStateException "exit N: cmd". */
    Sample run(List<String> cmd, Map<String, String> extraEnv, Path dir) throws Exception {
        if (cmd == null) return null;
        Path rss = Files.createTempFile("bench-rss", ".txt");
        List<String> full = new ArrayList<>();
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        if (gnuTime) full.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
        full.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "bench", "AWS_SECRET_ACCESS_KEY", "bench", "AWS_REGION", "us-east-1",
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_PAGER", "", "COLUMNS", "120"));
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

    // ---- interleaving ------------------------------------------------------------------------------

    interface Round {
        void run(int round) throws Exception;
    }

    /** Warm-up rounds: three, as the first runs compile, train the class archive and build it in the background. */
    static int warmUpRounds = 3;

    static void warmUp(Round round) throws Exception {
        for (int w = 0; w < warmUpRounds; w++) {
            round.run(w);
            if (warmUpRounds > 1) Thread.sleep(2000);
        }
    }

    /** The competitors in their order on even runs, reversed on odd runs: who goes first alternates. */
    static <T> List<T> alternate(List<T> competitors, int run) {
        List<T> order = new ArrayList<>(competitors);
        if (run % 2 == 1) Collections.reverse(order);
        return order;
    }

    /** The competitors rotated by the run: each takes every place in turn. */
    static <T> List<T> rotate(List<T> competitors, int run) {
        List<T> order = new ArrayList<>(competitors);
        Collections.rotate(order, run);
        return order;
    }
}
