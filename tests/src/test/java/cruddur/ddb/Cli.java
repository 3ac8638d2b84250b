package cruddur.ddb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a bin/ddb script the way a user does: the executable itself, through its shebang. */
final class Cli {
    static final Path REPO = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();

    record Result(int exit, String out, String err) {
        @Override public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private final List<String> command = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private final List<String> unset = new ArrayList<>();
    private Path dir = REPO;
    private String stdin = "";
    private long timeoutSeconds = 300;

    private Cli(Path executable, List<String> args) {
        command.add(executable.toString());
        command.addAll(args);
    }

    /** A script under bin/ddb, e.g. "list-tables" or "patterns/get-conversation". */
    static Cli script(String name, String... args) {
        return new Cli(REPO.resolve("bin/ddb").resolve(name), List.of(args));
    }

    static Cli executable(Path path, String... args) {
        return new Cli(path, List.of(args));
    }

    /** The script pointed at the suite's DynamoDB Local. */
    static Cli local(String name, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--endpoint-url");
        all.add(LocalDynamo.endpoint());
        return new Cli(REPO.resolve("bin/ddb").resolve(name), all);
    }

    Cli env(String key, String value) { env.put(key, value); return this; }
    Cli unsetEnv(String key) { unset.add(key); return this; }
    Cli in(Path directory) { dir = directory; return this; }
    Cli stdin(String text) { stdin = text; return this; }
    Cli timeout(long seconds) { timeoutSeconds = seconds; return this; }

    /** Prod mode pointed at the suite's DynamoDB Local, with dummy credentials in the environment. */
    Cli prodAtLocal() {
        return env("AWS_ENDPOINT_URL_DYNAMODB", LocalDynamo.endpoint())
                .env("AWS_REGION", "us-east-1")
                .env("AWS_ACCESS_KEY_ID", "prodtestkey")
                .env("AWS_SECRET_ACCESS_KEY", "prodtestsecret");
    }

    Result run() {
        try {
            Path out = Files.createTempFile("cli-out", ".txt");
            Path err = Files.createTempFile("cli-err", ".txt");
            Path in = Files.createTempFile("cli-in", ".txt");
            Files.writeString(in, stdin);
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(in.toFile());
            // A clean AWS environment: nothing from the developer's shell leaks into a test.
            for (String k : List.of("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                    "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                    "DDB_MESSAGE_TABLE")) {
                pb.environment().remove(k);
            }
            pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
            pb.environment().put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
            pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
            pb.environment().putAll(env);
            unset.forEach(pb.environment()::remove);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeoutSeconds + "s: " + command);
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    withoutJBangNoise(Files.readString(err, StandardCharsets.UTF_8)));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(in);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** JBang's own "[jbang] Building jar..." lines on a first run are not the script's output. */
    static String withoutJBangNoise(String err) {
        StringBuilder sb = new StringBuilder();
        for (String line : err.split("\n", -1)) {
            if (!line.startsWith("[jbang] ")) sb.append(line).append('\n');
        }
        return sb.toString().strip();
    }
}
