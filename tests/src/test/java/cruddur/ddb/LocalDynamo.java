package cruddur.ddb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** One DynamoDB Local for the whole suite, started the way a user starts it: bin/ddb/local. */
final class LocalDynamo {
    private static Server shared;

    static synchronized String endpoint() {
        if (shared == null) {
            shared = Server.start(List.of("--in-memory"));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared.endpoint;
    }

    static DynamoDbClient client() {
        return client(endpoint());
    }

    static DynamoDbClient client(String endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testsuite", "testsuite")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static boolean tableExists(DynamoDbClient ddb, String table) {
        try {
            ddb.describeTable(r -> r.tableName(table));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    static List<java.util.Map<String, AttributeValue>> scanAll(DynamoDbClient ddb, String table) {
        List<java.util.Map<String, AttributeValue>> items = new ArrayList<>();
        ddb.scanPaginator(r -> r.tableName(table)).items().forEach(items::add);
        return items;
    }

    static int uniqueCounter = 0;

    /** A table name no other test uses. */
    static synchronized String uniqueTable(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + (++uniqueCounter);
    }

    /** A running bin/ddb/local process. */
    static final class Server {
        final Process process;
        final String endpoint;
        final String readyLine;
        final Path log;

        private Server(Process process, String endpoint, String readyLine, Path log) {
            this.process = process;
            this.endpoint = endpoint;
            this.readyLine = readyLine;
            this.log = log;
        }

        static Server start(List<String> options) {
            return start(freePort(), options);
        }

        static Server start(int port, List<String> options) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Cli.REPO.resolve("bin/ddb/local").toString());
            cmd.add("--port");
            cmd.add(String.valueOf(port));
            cmd.addAll(options);
            try {
                Path log = Files.createTempFile("ddb-local", ".log");
                Process p = new ProcessBuilder(cmd).directory(Cli.REPO.toFile())
                        .redirectError(log.toFile()).start();
                var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                    try {
                        return reader.readLine();
                    } catch (IOException e) {
                        return null;
                    }
                });
                String line = ready.get(180, TimeUnit.SECONDS);
                if (line == null || !line.startsWith("DynamoDB Local ready at ")) {
                    p.destroyForcibly();
                    throw new AssertionError("bin/ddb/local did not start: " + line + "\n" + Files.readString(log));
                }
                // Keep draining stdout so the server never blocks on a full pipe.
                Thread drain = new Thread(() -> {
                    try {
                        while (reader.readLine() != null) { /* discard */ }
                    } catch (IOException ignored) {
                        // the server is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return new Server(p, "http://127.0.0.1:" + port, line, log);
            } catch (Exception e) {
                throw new AssertionError("starting bin/ddb/local failed", e);
            }
        }

        /** Ctrl-C, as a user would stop it. */
        void stop() {
            ProcessHandle.of(process.pid()).ifPresent(h -> {
                try {
                    new ProcessBuilder("kill", "-INT", String.valueOf(h.pid())).start().waitFor();
                } catch (Exception e) {
                    h.destroy();
                }
            });
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String stderr() throws IOException {
            return Files.readString(log);
        }
    }
}
