package cruddur.ddb;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP server on loopback for the prod tests: it records every request and answers it with a function, which may
 * forward it (a front before DynamoDB Local or moto_server) or stand in for an AWS endpoint (the SSO portal, a
 * container's or an instance's credentials endpoint). Also: a proxy that logs what it is asked and forwards nothing,
 * and moto_server on a free port.
 */
final class Front implements AutoCloseable {
    record Request(String method, String uri, Map<String, String> headers, String body) {
        String header(String name) { return headers.get(name.toLowerCase()); }

        /** The access key id the request was signed with (SigV4's Credential=), or null. */
        String keyId() {
            Matcher m = Pattern.compile("Credential=([^/]+)/").matcher(String.valueOf(header("Authorization")));
            return m.find() ? m.group(1) : null;
        }

        /** DynamoDB's X-Amz-Target operation, or the Action of a query API call (STS), or the path. */
        String operation() {
            String target = header("X-Amz-Target");
            if (target != null) return target.substring(target.indexOf('.') + 1);
            Matcher m = Pattern.compile("(?:^|&)Action=([A-Za-z]+)").matcher(body + "&" + URI.create(uri).getRawQuery());
            return m.find() ? m.group(1) : URI.create(uri).getPath();
        }
    }

    record Response(int status, Map<String, String> headers, String body) {
        static Response json(int status, String body) {
            return new Response(status, Map.of("Content-Type", "application/json"), body);
        }
    }

    private static final Set<String> HOP = Set.of("host", "content-length", "connection", "expect", "transfer-encoding",
            "upgrade", "proxy-connection");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    Front(Function<Request, Response> answer) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> handle(ex, answer));
        server.start();
    }

    /** A front that forwards everything to `upstream` and records it. */
    static Front forwarding(String upstream) {
        return new Front(r -> forward(upstream, r));
    }

    /**
     * A front before DynamoDB Local whose DescribeTable and CreateTable answers carry `account`'s ARN in `region`, as a
     * tunnel to real AWS would; everything else is forwarded as it is.
     */
    static Front account(String upstream, String region, String account) {
        return new Front(r -> {
            Response up = forward(upstream, r);
            if (!Set.of("DescribeTable", "CreateTable").contains(r.operation())) return up;
            Map<String, String> headers = new TreeMap<>(up.headers());
            headers.remove("x-amz-crc32"); // the body changes
            return new Response(up.status(), headers, up.body().replaceAll("(\"TableArn\":\"arn:aws:dynamodb:)ddblocal:000000000000:",
                    "$1" + region + ":" + account + ":"));
        });
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<String> operations() {
        return requests.stream().map(Request::operation).toList();
    }

    static Response forward(String upstream, Request r) {
        String target = r.uri().startsWith("http://") ? r.uri() : upstream + r.uri(); // a proxy's request is absolute
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target))
                .method(r.method(), HttpRequest.BodyPublishers.ofString(r.body()));
        r.headers().forEach((k, v) -> {
            if (!HOP.contains(k)) b.header(k, v);
        });
        try {
            HttpResponse<String> up = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            up.headers().map().forEach((k, v) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) headers.put(k.toLowerCase(), v.get(0));
            });
            return new Response(up.statusCode(), headers, up.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex, Function<Request, Response> answer) throws IOException {
        try (ex) {
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().toString(), headers,
                    new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(r);
            Response out = answer.apply(r);
            byte[] body = out.body().getBytes(StandardCharsets.UTF_8);
            out.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.sendResponseHeaders(out.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(body);
                }
            }
        } catch (RuntimeException e) {
            ex.sendResponseHeaders(502, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A proxy on loopback that logs each request line (CONNECT host:port, or an absolute URL) and refuses it: 403. */
    static final class RefusingProxy implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final ServerSocket socket;

        RefusingProxy() throws IOException {
            socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                        String line = in.readLine();
                        if (line == null) continue; // a reachability check: connected, asked nothing
                        lines.add(line);
                        while (!String.valueOf(in.readLine()).isEmpty()) { /* the headers */ }
                        s.getOutputStream().write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                    } catch (IOException e) {
                        // closed, or a client that hung up
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** moto_server (python3 with moto is on the image) on a free loopback port, for STS and DynamoDB. */
    static final class Moto implements AutoCloseable {
        final Process process;
        final String endpoint;

        Moto() throws Exception {
            int port = LocalDynamo.freePort();
            Path log = Files.createTempFile("moto", ".log");
            try {
                process = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError("moto_server is needed for the prod tests (python3 -m pip install 'moto[server]')", e);
            }
            endpoint = "http://127.0.0.1:" + port;
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException e) {
                    if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                        process.destroyForcibly();
                        throw new AssertionError("moto_server did not start:\n" + Files.readString(log));
                    }
                    Thread.sleep(200);
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    /** Lines of a file to write, joined. */
    static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }
}
