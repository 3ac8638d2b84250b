// Shared helper for the bin/ddb scripts: connection options, client building, errors, output.
// It travels with any script copied elsewhere: keep it at ../../lib/Ddb.java relative to bin/ddb/*.
// The AWS SDK BOM pins every SDK module; url-connection is the lightest HTTP client it offers.
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:dynamodb
//DEPS software.amazon.awssdk:url-connection-client
// Streaming JSON in and out (no data binding: it costs start-up time and nothing here needs it).
//DEPS com.fasterxml.jackson.core:jackson-core:2.18.2
// Progress bars with items/s and ETA, drawn only on a terminal.
//DEPS me.tongfei:progressbar:0.10.1
// The SDK logs through slf4j-api 1.7; the matching nop binding keeps stderr quiet.
//DEPS org.slf4j:slf4j-nop:1.7.36
// Short-lived CLI processes: C1 only and the serial GC start fastest; JLine (the progress bar) loads a native library.
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

final class Ddb {
    static final String VERSION = "0.1.0";
    static final String DEFAULT_TABLE = "cruddur-messages";
    static final String LOCAL_ENDPOINT = "http://localhost:8000";

    private Ddb() {}

    /** An operation failed in a way the user can act on: one line on stderr, exit 1. */
    static final class Failure extends RuntimeException {
        Failure(String message) { super(message, null, false, false); }
        Failure(String message, Throwable cause) { super(message, cause); }
    }

    /**
     * Runs a picocli command the way every script does: usage errors exit 2 with one line and a hint,
     * failures exit 1 with one line (the stack trace only with --verbose), success exits 0.
     */
    static int run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        // `SCRIPT generate-completion` prints a bash/zsh completion script (see bin/completion); the hidden
        // subcommand is only modelled when asked for, not on every run.
        if (args.length > 0 && args[0].equals("generate-completion")) {
            CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
            completion.getCommandSpec().usageMessage().hidden(true);
            cl.addSubcommand("generate-completion", completion);
        }
        // Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org).
        if (env("NO_COLOR") != null || System.console() == null) cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            err.println(c.getCommandName() + ": " + ex.getMessage());
            err.print("Usage: " + c.getHelp().synopsis(0).stripLeading().replaceFirst("^Usage: ", ""));
            err.println("Try '" + c.getCommandName() + " --help' for more information.");
            return CommandLine.ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter err = c.getErr();
            err.println(c.getCommandName() + ": " + explain(ex, c.getCommandSpec()));
            if (parsed.hasMatchedOption("--verbose")) ex.printStackTrace(err);
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cl.execute(args);
    }

    /** One line that says what went wrong and, where there is one, what to do about it. */
    static String explain(Throwable ex, CommandSpec spec) {
        Connection conn = mixin(spec, Connection.class);
        TableOption table = mixin(spec, TableOption.class);
        if (ex instanceof Failure) return ex.getMessage();
        if (ex instanceof ResourceNotFoundException) {
            String name = table != null ? "'" + table.name + "'" : "";
            return "Table " + name + " not found at " + (conn != null ? conn.target() : "the endpoint")
                    + ". Create it with: bin/ddb/schema-load" + (conn != null && conn.prod() ? " prod" : "");
        }
        if (ex instanceof AwsServiceException ase) {
            String code = ase.awsErrorDetails() != null ? ase.awsErrorDetails().errorCode() : null;
            String msg = ase.awsErrorDetails() != null ? ase.awsErrorDetails().errorMessage() : ase.getMessage();
            return "DynamoDB refused the request" + (code != null ? " (" + code + ")" : "") + ": " + msg;
        }
        if (isUnreachable(ex)) return unreachable(conn);
        if (ex instanceof SdkClientException && String.valueOf(ex.getMessage()).contains("credentials")) {
            return "No AWS credentials found: set AWS_PROFILE (then 'aws sso login' or 'aws configure'), "
                    + "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.";
        }
        String msg = ex.getMessage();
        return (msg == null || msg.isBlank()) ? ex.getClass().getSimpleName() : firstLine(msg);
    }

    static String unreachable(Connection conn) {
        String where = conn != null ? conn.endpointDescription() : "the endpoint";
        String hint = conn != null && conn.prod() ? "Check your network and AWS_REGION."
                : "Start a local one with: bin/ddb/local (or pass --endpoint-url URL, or prod for AWS).";
        return "Cannot reach DynamoDB at " + where + ". " + hint;
    }

    static boolean isUnreachable(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException
                    || (t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).contains("connect"))) {
                return true;
            }
        }
        return false;
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static <T> T mixin(CommandSpec spec, Class<T> type) {
        if (spec == null) return null;
        for (CommandSpec m : spec.mixins().values()) {
            if (type.isInstance(m.userObject())) return type.cast(m.userObject());
        }
        return null;
    }

    /** --version for every script: the project's and the platform's versions. */
    static final class Version implements IVersionProvider {
        @Override public String[] getVersion() {
            String jbang = System.getenv().getOrDefault("JBANG_VERSION", "unknown");
            return new String[] {
                "cruddur-ddb " + VERSION,
                "JBang " + jbang + ", Java " + System.getProperty("java.version")
                        + " (" + System.getProperty("java.vendor") + "), AWS SDK for Java " + VersionInfo.SDK_VERSION,
            };
        }
    }

    /** --table, for the scripts that work on the messages table. */
    static final class TableOption {
        @Option(names = "--table", paramLabel = "NAME", defaultValue = "${env:DDB_MESSAGE_TABLE:-" + DEFAULT_TABLE + "}",
                description = "Table name (default: ${DEFAULT-VALUE}; env DDB_MESSAGE_TABLE).")
        String name;
    }

    /**
     * Where to connect: local DynamoDB (the default) or real AWS with `prod` / --prod.
     * Local mode never falls through to AWS and prod mode never uses dummy credentials.
     */
    static final class Connection {
        @Spec(Spec.Target.MIXEE) CommandSpec spec;

        @Option(names = "--prod", description = "Target real AWS through the SDK's credential and region chain "
                + "(same as the trailing word prod).")
        boolean prodFlag;

        @Option(names = "--endpoint-url", paramLabel = "URL", description = "DynamoDB endpoint (default local: "
                + "$AWS_ENDPOINT_URL_DYNAMODB, $AWS_ENDPOINT_URL, else " + LOCAL_ENDPOINT + ").")
        String endpointUrl;

        @Option(names = "--region", paramLabel = "REGION",
                description = "AWS region (default: $AWS_REGION, the profile's region; local falls back to us-east-1).")
        String region;

        @Option(names = "--profile", paramLabel = "NAME", description = "AWS profile for credentials and region (default: $AWS_PROFILE).")
        String profile;

        @Option(names = {"-v", "--verbose"}, description = "Show stack traces of failures.")
        boolean verbose;

        private boolean prodWord;
        private DynamoDbClient client;
        private String resolvedRegion;

        boolean prod() { return prodFlag || prodWord; }

        /**
         * Takes the trailing word `prod` (the original scripts' convention) off the positional arguments,
         * and rejects more positionals than the command takes.
         */
        List<String> positionals(List<String> words, int max) {
            List<String> rest = new ArrayList<>(words == null ? List.of() : words);
            if (!rest.isEmpty() && rest.get(rest.size() - 1).equals("prod")) {
                prodWord = true;
                rest.remove(rest.size() - 1);
            }
            if (rest.size() > max) {
                throw new ParameterException(spec.commandLine(),
                        "unexpected argument '" + rest.get(max) + "'");
            }
            return rest;
        }

        String profileName() {
            if (profile != null) return profile;
            String env = System.getenv("AWS_PROFILE");
            return env == null || env.isBlank() ? null : env;
        }

        /** The explicit endpoint, if any; local mode always has one, prod mode only when asked. */
        URI endpoint() {
            String url = endpointUrl;
            if (url == null) url = env("AWS_ENDPOINT_URL_DYNAMODB");
            if (url == null) url = env("AWS_ENDPOINT_URL");
            if (url == null && !prod()) url = LOCAL_ENDPOINT;
            if (url == null) return null;
            URI uri;
            try {
                uri = new URI(url);
            } catch (Exception e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw new ParameterException(spec.commandLine(),
                        "invalid endpoint URL '" + url + "': expected http(s)://HOST[:PORT], e.g. " + LOCAL_ENDPOINT);
            }
            return uri;
        }

        String endpointDescription() {
            URI ep = endpoint();
            return ep != null ? ep.toString() : "AWS (" + region() + ")";
        }

        String region() {
            if (resolvedRegion != null) return resolvedRegion;
            if (region != null) return resolvedRegion = region;
            String profileName = profileName();
            if (prod()) {
                try {
                    DefaultAwsRegionProviderChain.Builder chain = DefaultAwsRegionProviderChain.builder();
                    if (profileName != null) chain.profileName(profileName);
                    return resolvedRegion = chain.build().getRegion().id();
                } catch (SdkClientException e) {
                    throw new Failure("No AWS region for prod: set AWS_REGION, pass --region, or set a region in "
                            + (profileName != null ? "profile '" + profileName + "'" : "your AWS_PROFILE") + ".");
                }
            }
            // Local: the cheap part of the usual chain (no instance metadata look-up), then us-east-1.
            try {
                return resolvedRegion = new AwsRegionProviderChain(new SystemSettingsRegionProvider(),
                        new AwsProfileRegionProvider(null, profileName)).getRegion().id();
            } catch (SdkClientException e) {
                return resolvedRegion = "us-east-1";
            }
        }

        AwsCredentialsProvider credentials() {
            String profileName = profileName();
            if (profileName != null) return ProfileCredentialsProvider.create(profileName);
            if (prod()) return DefaultCredentialsProvider.builder().build();
            if (env("AWS_ACCESS_KEY_ID") != null && env("AWS_SECRET_ACCESS_KEY") != null) {
                return EnvironmentVariableCredentialsProvider.create();
            }
            // DynamoDB Local accepts any key made of letters and digits.
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("cruddurlocal", "cruddurlocal"));
        }

        /** Where this run goes, in one line: mode, endpoint, region. */
        String target() {
            if (prod()) {
                String who = profileName() != null ? ", profile " + profileName() : "";
                URI ep = endpoint();
                return "prod " + (ep != null ? ep.toString() : "AWS") + " (" + region() + who + ")";
            }
            return "local " + endpoint() + " (" + region() + ")";
        }

        /** Printed on stderr before anything is written, so nobody writes to the wrong place unknowingly. */
        void announceWrite(String what, String table) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(what + " table " + table + " at " + target());
            URI ep = endpoint();
            if (!prod() && ep != null && !isLoopback(ep.getHost())) {
                err.println("warning: local mode, but " + ep.getHost() + " is not a loopback address");
            }
            err.flush();
        }

        DynamoDbClient client() {
            if (client == null) client = client(RETRIES);
            return client;
        }

        /** A client of its own with another retry strategy (the batch writer owns throttling itself). */
        DynamoDbClient client(RetryStrategy retries) {
            URI ep = endpoint();
            String regionId = region();
            AwsCredentialsProvider creds = credentials();
            if (prod()) {
                try {
                    creds.resolveCredentials();
                } catch (SdkClientException e) {
                    throw new Failure("No AWS credentials for prod: set AWS_PROFILE (then 'aws sso login' or "
                            + "'aws configure'), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.", e);
                }
            }
            if (!prod()) probe(ep);
            return build(ep, regionId, creds, retries);
        }

        /** The same local endpoint with other credentials and region (DynamoDB Local without -sharedDb keeps them apart). */
        DynamoDbClient localClientAs(String accessKey, String regionId) {
            return build(endpoint(), regionId, StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, accessKey)), RETRIES);
        }

        private DynamoDbClient build(URI ep, String regionId, AwsCredentialsProvider creds, RetryStrategy retries) {
            Duration connect = prod() ? Duration.ofSeconds(5) : Duration.ofSeconds(2);
            var builder = DynamoDbClient.builder()
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(connect).socketTimeout(Duration.ofSeconds(60)))
                    .region(Region.of(regionId))
                    .credentialsProvider(creds)
                    .overrideConfiguration(o -> o.retryStrategy(retries));
            if (ep != null) builder.endpointOverride(ep);
            return builder.build();
        }

        boolean isLocal() { return !prod(); }

        /**
         * The client retries refused connections like any I/O error; a local server that is not running
         * should say so at once instead.
         */
        private void probe(URI ep) {
            int port = ep.getPort() != -1 ? ep.getPort() : "https".equalsIgnoreCase(ep.getScheme()) ? 443 : 80;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(ep.getHost(), port), 2000);
            } catch (IOException e) {
                throw new Failure(unreachable(this), e);
            }
        }
    }

    /**
     * Every call survives throttling, 5xx answers and connections dropped mid-response: up to 10 attempts
     * (AWS_MAX_ATTEMPTS)
     * with exponential backoff and full jitter, and no circuit breaker that would stop retrying in a long bulk
     * run. An endpoint that cannot be reached at all is not retried, so local mode fails fast.
     */
    static final int MAX_ATTEMPTS = attemptsFromEnvironment();

    static final RetryStrategy RETRIES = retries(Ddb::isTransient);

    /**
     * The same, minus throttling: for the paced batch writer, which must see every throttled call at once to slow
     * down, and resends what was refused itself. Calls that fail in transit or with a 5xx are still the client's.
     */
    static final RetryStrategy RETRIES_BUT_THROTTLING = retries(e -> isTransient(e) && !isThrottling(e));

    private static RetryStrategy retries(java.util.function.Predicate<Throwable> retryable) {
        return StandardRetryStrategy.builder()
                .useClientDefaults(false) // else the client adds its own conditions (throttling among them) to ours
                .maxAttempts(MAX_ATTEMPTS)
                .circuitBreakerEnabled(false)
                .retryOnException(retryable)
                .treatAsThrottling(Ddb::isThrottling)
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(5)))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(250), Duration.ofSeconds(10)))
                .build();
    }

    static boolean isThrottling(Throwable e) {
        return e instanceof AwsServiceException ase && ase.isThrottlingException();
    }

    /** AWS_MAX_ATTEMPTS, the AWS tools' own setting, else 10. */
    private static int attemptsFromEnvironment() {
        String v = env("AWS_MAX_ATTEMPTS");
        try {
            return v == null ? 10 : Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return 10;
        }
    }

    static boolean isTransient(Throwable e) {
        if (e instanceof AwsServiceException ase) return ase.isThrottlingException() || ase.statusCode() >= 500;
        return e instanceof SdkClientException && !isUnreachable(e);
    }

    static boolean isLoopback(String host) {
        if (host == null) return false;
        if (host.equalsIgnoreCase("localhost")) return true;
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * Polls DescribeTable until the table is ACTIVE (exists) or gone (!exists).
     * The SDK waiter polls every 20 s; local tables settle in milliseconds.
     */
    static void awaitTable(DynamoDbClient ddb, String table, boolean exists, boolean local) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long sleep = local ? 100 : 1000;
        while (true) {
            try {
                TableStatus status = ddb.describeTable(r -> r.tableName(table)).table().tableStatus();
                if (exists && status == TableStatus.ACTIVE) return;
            } catch (ResourceNotFoundException e) {
                if (!exists) return;
            }
            if (System.nanoTime() > deadline) {
                throw new Failure("Timed out waiting for table " + table + " to " + (exists ? "become ACTIVE" : "disappear"));
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure("Interrupted while waiting for table " + table);
            }
            sleep = Math.min(sleep * 2, local ? 1000 : 5000);
        }
    }

    /**
     * Guard for destructive or bulk writes in prod: the user types the table name at a terminal prompt,
     * or passes --yes. Without either, nothing happens and the run fails.
     */
    static void confirmProd(Connection conn, String action, String table, boolean yes) {
        if (!conn.prod() || yes) return;
        Console console = System.console();
        if (console == null) {
            throw new Failure("Refusing to " + action + " " + table + " in prod without confirmation: "
                    + "pass --yes (no terminal to ask on).");
        }
        String typed = console.readLine("About to %s %s at %s.%nType the table name to confirm: ",
                action, table, conn.target());
        if (typed == null || !typed.trim().equals(table)) {
            throw new Failure("Not confirmed; nothing was changed.");
        }
    }

    // ---- Files next to the scripts ------------------------------------------------------------

    /**
     * A file or folder of this repository, found from the running script (the launcher passes
     * -Djbang.source) or else from the working directory upwards; null when neither has it.
     */
    static Path repoPath(String relative) {
        List<Path> starts = new ArrayList<>();
        String source = System.getProperty("jbang.source");
        if (source != null) starts.add(Path.of(source).toAbsolutePath().getParent());
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path d = start; d != null; d = d.getParent()) {
                if (Files.exists(d.resolve(relative))) return d.resolve(relative);
            }
        }
        return null;
    }

    // ---- Timestamps and ids, as the Cruddur backend writes and reads them ---------------------

    /** Fixed width, UTC, microseconds, explicit offset: string order is time order. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    static String timestamp(Instant t) {
        return TIMESTAMP.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    /** Accepts the fixed-width form, any ISO-8601 date-time with Z or an offset, or a bare date (midnight UTC). */
    static Instant parseInstant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 date or timestamp "
                        + "(e.g. 2026-11-24 or 2026-11-24T04:15:31.123456+00:00)");
            }
        }
    }

    private static final Pattern UUID_PATTERN =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    static boolean isUuid(String s) {
        return s != null && UUID_PATTERN.matcher(s).matches();
    }

    // ---- Sample data: seeds/users.json and seeds/conversations/*.json -------------------------

    record User(String uuid, String handle, String displayName) {}

    record Message(String from, String text) {}

    record Conversation(String source, String messageGroupUuid, List<String> participants, List<Message> messages) {}

    record Seeds(Path dir, List<User> users, List<Conversation> conversations) {
        User user(String handle) {
            for (User u : users) if (u.handle().equals(handle)) return u;
            return null;
        }

        String handles() {
            return String.join(", ", users.stream().map(User::handle).toList());
        }
    }

    /** The seeds folder: --seeds, else $CRUDDUR_SEEDS, else seeds/ of this repository (null if none). */
    static Path seedsDir(Path explicit) {
        if (explicit != null) return explicit;
        String env = env("CRUDDUR_SEEDS");
        if (env != null) return Path.of(env);
        Path found = repoPath("seeds/users.json");
        return found == null ? null : found.getParent();
    }

    /** Reads and checks every seed file; any problem is one line naming the file and the entry. */
    static Seeds loadSeeds(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new Failure("No seeds folder" + (dir == null ? "" : " at " + dir)
                    + ": pass --seeds DIR (a folder with users.json and conversations/*.json)");
        }
        Path usersFile = dir.resolve("users.json");
        List<?> usersJson = Json.read(usersFile) instanceof List<?> l && !l.isEmpty() ? l : null;
        if (usersJson == null) throw new Failure(usersFile + ": expected a non-empty JSON array of users");
        List<User> users = new ArrayList<>();
        Map<String, String> seenUuids = new HashMap<>();
        Map<String, String> seenHandles = new HashMap<>();
        for (int i = 0; i < usersJson.size(); i++) {
            String entry = usersFile + ": users[" + i + "]";
            Object u = usersJson.get(i);
            String uuid = text(u, "uuid", entry);
            String handle = text(u, "handle", entry);
            String name = text(u, "display_name", entry);
            if (!isUuid(uuid)) throw new Failure(entry + ": uuid '" + uuid + "' is not a UUID");
            if (seenUuids.putIfAbsent(uuid.toLowerCase(), entry) != null) {
                throw new Failure(entry + ": duplicate uuid " + uuid + " (also in " + seenUuids.get(uuid.toLowerCase()) + ")");
            }
            if (seenHandles.putIfAbsent(handle, entry) != null) {
                throw new Failure(entry + ": duplicate handle '" + handle + "'");
            }
            users.add(new User(uuid, handle, name));
        }

        List<Path> files;
        try (Stream<Path> list = Files.list(dir.resolve("conversations"))) {
            files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new Failure(dir.resolve("conversations") + ": cannot list conversation files (" + e.getMessage() + ")");
        }
        if (files.isEmpty()) throw new Failure(dir.resolve("conversations") + ": no *.json conversation files");
        List<Conversation> conversations = new ArrayList<>();
        Map<String, Path> seenGroups = new HashMap<>();
        for (Path file : files) {
            Map<?, ?> c = Json.read(file) instanceof Map<?, ?> m ? m : Map.of();
            String group = text(c, "message_group_uuid", file.toString());
            if (!isUuid(group)) throw new Failure(file + ": message_group_uuid '" + group + "' is not a UUID");
            if (seenGroups.putIfAbsent(group.toLowerCase(), file) != null) {
                throw new Failure(file + ": duplicate message_group_uuid " + group + " (also in " + seenGroups.get(group.toLowerCase()) + ")");
            }
            List<?> p = c.get("participants") instanceof List<?> l ? l : List.of();
            if (p.size() != 2 || !(p.get(0) instanceof String) || !(p.get(1) instanceof String)) {
                throw new Failure(file + ": participants must list exactly two handles");
            }
            List<String> participants = List.of((String) p.get(0), (String) p.get(1));
            for (int i = 0; i < 2; i++) {
                if (!seenHandles.containsKey(participants.get(i))) {
                    throw new Failure(file + ": participants[" + i + "]: unknown handle '" + participants.get(i)
                            + "' (users.json has: " + String.join(", ", seenHandles.keySet().stream().sorted().toList()) + ")");
                }
            }
            if (participants.get(0).equals(participants.get(1))) throw new Failure(file + ": participants must be two different users");
            List<?> ms = c.get("messages") instanceof List<?> l ? l : List.of();
            if (ms.isEmpty()) throw new Failure(file + ": messages must be a non-empty array");
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < ms.size(); i++) {
                String entry = file + ": messages[" + i + "]";
                String from = text(ms.get(i), "from", entry);
                String body = ms.get(i) instanceof Map<?, ?> m && m.get("text") instanceof String t ? t : "";
                if (!participants.contains(from)) {
                    throw new Failure(entry + ": unknown handle '" + from + "' (participants: " + String.join(", ", participants) + ")");
                }
                if (body.isBlank()) throw new Failure(entry + ": empty message");
                messages.add(new Message(from, body));
            }
            conversations.add(new Conversation(file.toString(), group, participants, messages));
        }
        return new Seeds(dir, users, conversations);
    }

    private static String text(Object node, String field, String entry) {
        Object v = node instanceof Map<?, ?> m ? m.get(field) : null;
        if (!(v instanceof String text) || text.isBlank()) {
            throw new Failure(entry + ": missing or empty \"" + field + "\"");
        }
        return text;
    }

    // ---- Queries of the access patterns --------------------------------------------------------

    /** --year, or --since/--until: which part of a partition's sort key (a timestamp) to read. */
    static final class TimeRange {
        @Spec(Spec.Target.MIXEE) CommandSpec spec;

        @Option(names = "--year", paramLabel = "YYYY", description = "Only this year.")
        Integer year;

        @Option(names = "--since", paramLabel = "WHEN", description = "From this ISO date or timestamp on (inclusive).")
        String since;

        @Option(names = "--until", paramLabel = "WHEN", description = "Up to this ISO date (the whole day) or timestamp (inclusive).")
        String until;

        /**
         * The sort-key condition to AND with "pk = :pk", or null for the whole partition. A year is either a
         * begins_with prefix (list-conversations, as the original) or a BETWEEN of its first and last instant.
         */
        String condition(Map<String, AttributeValue> values, Integer defaultYear, boolean yearAsPrefix) {
            if (year != null && (since != null || until != null)) {
                throw new ParameterException(spec.commandLine(), "--year excludes --since and --until");
            }
            Integer y = year != null ? year : (since == null && until == null ? defaultYear : null);
            if (y != null) {
                if (y < 1000 || y > 9999) throw new ParameterException(spec.commandLine(), "--year must have four digits");
                if (yearAsPrefix) {
                    values.put(":year", AttributeValue.fromS(String.valueOf(y)));
                    return "begins_with(sk, :year)";
                }
                values.put(":start", AttributeValue.fromS(y + "-01-01T00:00:00.000000+00:00"));
                values.put(":end", AttributeValue.fromS(y + "-12-31T23:59:59.999999+00:00"));
                return "sk BETWEEN :start AND :end";
            }
            if (since != null) values.put(":since", AttributeValue.fromS(timestamp(instant("--since", since, false))));
            if (until != null) values.put(":until", AttributeValue.fromS(timestamp(instant("--until", until, true))));
            if (since != null && until != null) return "sk BETWEEN :since AND :until";
            if (since != null) return "sk >= :since";
            if (until != null) return "sk <= :until";
            return null;
        }

        private Instant instant(String option, String text, boolean endOfDay) {
            try {
                Instant t = parseInstant(text);
                boolean dateOnly = text.length() == 10;
                return endOfDay && dateOnly ? t.plus(Duration.ofDays(1)).minusNanos(1000) : t;
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
            }
        }
    }

    /**
     * Runs a Query, following LastEvaluatedKey until `limit` items (null: all of them) and merging the pages
     * into one response the way the AWS CLI does: Items, Count, ScannedCount and ConsumedCapacity add up,
     * LastEvaluatedKey is there when more items remain.
     */
    static QueryResponse query(DynamoDbClient ddb, QueryRequest request, Integer limit) {
        return query(ddb, request, limit, null);
    }

    /** The same, reporting progress page by page (for --all on a terminal). */
    static QueryResponse query(DynamoDbClient ddb, QueryRequest request, Integer limit, ProgressBar bar) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        int scanned = 0;
        double capacity = 0;
        boolean hasCapacity = false;
        Map<String, AttributeValue> startKey = null;
        QueryResponse page;
        do {
            var next = request.toBuilder().exclusiveStartKey(startKey);
            if (limit != null) next.limit(limit - items.size());
            page = ddb.query(next.build());
            items.addAll(page.items());
            if (bar != null) bar.stepTo(items.size());
            scanned += page.scannedCount();
            if (page.consumedCapacity() != null) {
                hasCapacity = true;
                capacity += page.consumedCapacity().capacityUnits();
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null && (limit == null || items.size() < limit));
        var merged = QueryResponse.builder().items(items).count(items.size()).scannedCount(scanned);
        if (startKey != null) merged.lastEvaluatedKey(startKey);
        if (hasCapacity) merged.consumedCapacity(ConsumedCapacity.builder().tableName(request.tableName()).capacityUnits(capacity).build());
        return merged.build();
    }

    static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd hh:mm a", Locale.US);

    /** A stored timestamp in the reader's time zone, e.g. 2026-11-24 04:15 AM. */
    static String localTime(String storedTimestamp) {
        try {
            return LOCAL_TIME.format(OffsetDateTime.parse(storedTimestamp).atZoneSameInstant(ZoneId.systemDefault()));
        } catch (DateTimeParseException e) {
            return storedTimestamp;
        }
    }

    static String attribute(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? "" : v.s() != null ? v.s() : v.n() != null ? v.n() : String.valueOf(sdkToPlain(v));
    }

    /** $COLUMNS, else the terminal's width when there is one, else 120. */
    static int terminalWidth() {
        String columns = env("COLUMNS");
        if (columns != null && columns.matches("\\d+")) return Integer.parseInt(columns);
        if (System.console() != null) {
            try {
                Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectErrorStream(true).start();
                String[] size = new String(p.getInputStream().readAllBytes()).trim().split(" ");
                if (p.waitFor() == 0 && size.length == 2) return Integer.parseInt(size[1]);
            } catch (IOException | NumberFormatException e) {
                // no usable terminal size: fall through to the default
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 120;
    }

    /** One line of at most `width` characters: white space folded, an ellipsis where it was cut. */
    static String preview(String text, int width) {
        String flat = text.replaceAll("\\s+", " ").strip();
        if (width < 2) return "";
        return flat.length() <= width ? flat : flat.substring(0, width - 1) + "…";
    }

    // ---- Output ------------------------------------------------------------------------------

    /**
     * A progress bar on stderr for long work (total -1: unknown), or null when stderr is no terminal, NO_COLOR is
     * set, or the work is too small to be worth one.
     */
    static ProgressBar progress(String task, long total) {
        if (System.console() == null || env("NO_COLOR") != null || (total >= 0 && total < 1_000)) return null;
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .showSpeed().setUnit(" items", 1).build();
    }

    enum Format { table, json, text, jsonl }

    /** Each script takes the formats that make sense for it; the others are a usage error. */
    static Format format(CommandSpec spec, String value, Format... allowed) {
        for (Format f : allowed) if (f.name().equals(value)) return f;
        StringBuilder names = new StringBuilder();
        for (Format f : allowed) names.append(names.length() == 0 ? "" : ", ").append(f);
        throw new ParameterException(spec.commandLine(), "--output must be one of: " + names);
    }

    /** JSON out and in with Jackson's streaming API, as plain maps, lists, strings, numbers, booleans and nulls. */
    static final class Json {
        static final JsonFactory FACTORY = new JsonFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

        /** Laid out like Python's json.dumps(indent=2), so output diffs cleanly against the original scripts'. */
        static String pretty(Object value) {
            StringWriter out = new StringWriter();
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                g.setPrettyPrinter(new DefaultPrettyPrinter()
                        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                        .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                        .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));
                write(g, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        }

        static void write(JsonGenerator g, Object value) throws IOException {
            if (value instanceof Map<?, ?> map) {
                g.writeStartObject();
                for (var e : map.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(g, e.getValue());
                }
                g.writeEndObject();
            } else if (value instanceof List<?> list) {
                g.writeStartArray();
                for (Object o : list) write(g, o);
                g.writeEndArray();
            } else if (value instanceof BigDecimal n) {
                g.writeNumber(n);
            } else if (value instanceof Double || value instanceof Float) {
                g.writeNumber(((Number) value).doubleValue());
            } else if (value instanceof Number n) {
                g.writeNumber(n.longValue());
            } else if (value instanceof Boolean b) {
                g.writeBoolean(b);
            } else if (value == null) {
                g.writeNull();
            } else {
                g.writeString(value.toString());
            }
        }

        /** A whole file; a malformed one is a Failure naming file, line and column. */
        static Object read(Path file) {
            try (JsonParser p = FACTORY.createParser(file.toFile())) {
                p.nextToken();
                Object value = readValue(p);
                if (p.nextToken() != null) throw new JsonParseException(p, "unexpected content after the JSON value");
                return value;
            } catch (JsonProcessingException e) {
                var loc = e.getLocation();
                String where = loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
                throw new Failure(file + where + ": malformed JSON: " + firstLine(e.getOriginalMessage()));
            } catch (IOException e) {
                throw new Failure(file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }

        private static Object readValue(JsonParser p) throws IOException {
            JsonToken t = p.currentToken();
            if (t == null) throw new JsonParseException(p, "empty file");
            switch (t) {
                case START_OBJECT -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        map.put(name, readValue(p));
                    }
                    return map;
                }
                case START_ARRAY -> {
                    List<Object> list = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) list.add(readValue(p));
                    return list;
                }
                case VALUE_STRING -> { return p.getText(); }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> { return p.getDecimalValue(); }
                case VALUE_TRUE -> { return Boolean.TRUE; }
                case VALUE_FALSE -> { return Boolean.FALSE; }
                case VALUE_NULL -> { return null; }
                default -> throw new JsonParseException(p, "unexpected " + t);
            }
        }
    }

    /**
     * An SDK response as plain Java maps and lists with the API's member names, the shape the AWS CLI
     * and boto3 print (AttributeValues stay typed: {"S": "..."}).
     */
    static Object sdkToPlain(Object value) {
        if (value == null || value instanceof SdkAutoConstructList<?> || value instanceof SdkAutoConstructMap<?, ?>) {
            return null;
        }
        if (value instanceof SdkPojo pojo) {
            Map<String, Object> out = new TreeMap<>();
            for (SdkField<?> field : pojo.sdkFields()) {
                Object v = sdkToPlain(field.getValueOrDefault(pojo));
                if (v != null) out.put(field.memberName(), v);
            }
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) out.add(sdkToPlain(o));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), sdkToPlain(v)));
            return out;
        }
        if (value instanceof SdkBytes bytes) return Base64.getEncoder().encodeToString(bytes.asByteArray());
        if (value instanceof Instant instant) return instant.toString();
        return value;
    }

    /** A boxed table like the AWS CLI's --output table: a title row, a header row, then the rows. */
    static String boxTable(String title, List<String> headers, List<List<String>> rows) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) width[i] = headers.get(i).length();
        for (List<String> row : rows) {
            for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], row.get(i).length());
        }
        int inner = 0;
        for (int w : width) inner += w + 3;
        inner -= 1;
        if (title != null) inner = Math.max(inner, title.length() + 2);
        // widen the last column when the title is the widest thing
        int used = 0;
        for (int w : width) used += w + 3;
        width[width.length - 1] += Math.max(0, inner + 1 - used);

        StringBuilder sb = new StringBuilder();
        String rule = rule(width);
        if (title != null) {
            sb.append('+').append("-".repeat(inner)).append("+\n");
            int pad = inner - title.length();
            sb.append('|').append(" ".repeat(pad / 2)).append(title).append(" ".repeat(pad - pad / 2)).append("|\n");
        }
        sb.append(rule).append(line(width, headers)).append(rule);
        for (List<String> row : rows) sb.append(line(width, row));
        if (!rows.isEmpty()) sb.append(rule);
        return sb.toString();
    }

    private static String rule(int[] width) {
        StringBuilder sb = new StringBuilder("+");
        for (int w : width) sb.append("-".repeat(w + 2)).append('+');
        return sb.append('\n').toString();
    }

    private static String line(int[] width, List<String> cells) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < width.length; i++) {
            String c = cells.get(i);
            sb.append(' ').append(c).append(" ".repeat(width[i] - c.length())).append(" |");
        }
        return sb.append('\n').toString();
    }
}
