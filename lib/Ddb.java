// Shared helper for the bin/ddb scripts: running a command (errors, exit codes, `prod`), connection and client,
// retries and output basics. It travels with any copied script, with lib/Prod.java (what real AWS takes) beside it:
// keep both in ../../lib/ relative to bin/ddb/*. What one family needs is in its family file (lib/Patterns.java,
// Capacity.java, BatchWriter.java, TableScan.java, ItemJson.java, Text.java), what one script needs is in that script
// (docs/architecture.md). It is a little over its 400-line guide: what is left serves every script or more than one
// family (progress, Ctrl-C notes), and no line is packed to save space.
// The AWS SDK BOM pins every SDK module; url-connection is the lightest HTTP client it offers.
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:dynamodb
//DEPS software.amazon.awssdk:url-connection-client
// Credentials from roles (source_profile, credential_source, web identity) and SSO profiles: loaded only when used.
//DEPS software.amazon.awssdk:sts
//DEPS software.amazon.awssdk:sso
//DEPS software.amazon.awssdk:ssooidc
//SOURCES Prod.java
// JSON in and out as plain maps and lists: jackson-jr (with its jackson-core 2.21.2), no databind to load at start-up.
//DEPS com.fasterxml.jackson.jr:jackson-jr-objects:2.21.2
// Progress bars with items/s and ETA, drawn only on a terminal; brings JLine, which also gives the terminal width.
//DEPS me.tongfei:progressbar:0.10.1
// The SDK logs through slf4j-api 1.7; the matching nop binding keeps stderr quiet.
//DEPS org.slf4j:slf4j-nop:1.7.36
// Short-lived CLI processes: C1 only and the serial GC start fastest; JLine (the progress bar) loads a native library.
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED

import com.fasterxml.jackson.core.*;
import com.fasterxml.jackson.core.util.*;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.*;
import java.net.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import java.util.function.Predicate;
import java.util.stream.Stream;
import me.tongfei.progressbar.*;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.*;
import picocli.CommandLine.Model.*;
import software.amazon.awssdk.auth.credentials.*;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.*;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.*;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.*;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.*;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

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

    // ---- Running a command: usage errors exit 2, failures exit 1 with one line, success 0 ----------------------

    /** What every script's @Command shares (as `@Mixin Ddb.Common common`): --help, --version, defaults, --verbose. */
    @Command(mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            showDefaultValues = true, footerHeading = "%nExamples:%n")
    static final class Common {
        @Option(names = {"-v", "--verbose"}, description = "Show stack traces of failures.") boolean verbose;
    }

    static int run(Object command, String... args) {
        CommandLine cl = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        if (args.length > 0 && args[0].equals("generate-completion")) { // bin/completion; modelled only when asked
            CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
            completion.getCommandSpec().usageMessage().hidden(true);
            cl.addSubcommand("generate-completion", completion);
        }
        // Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org).
        if (env("NO_COLOR") != null || System.console() == null) {
            cl.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
        }
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            List<String> unmatched = ex instanceof UnmatchedArgumentException u ? u.getUnmatched() : List.of();
            boolean extraWord = !unmatched.isEmpty() && !unmatched.get(0).startsWith("-");
            String problem = extraWord ? "unexpected argument '" + unmatched.get(0) + "'" : ex.getMessage();
            c.getErr().println(c.getCommandName() + ": " + problem);
            c.getErr().print("Usage: " + c.getHelp().synopsis(0).stripLeading().replaceFirst("^Usage: ", ""));
            c.getErr().println("Try '" + c.getCommandName() + " --help' for more information.");
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> { // no secret on the terminal, not even in a trace
            c.getErr().println(c.getCommandName() + ": " + Prod.redact(explain(ex, c.getCommandSpec())));
            var trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            if (parsed.hasMatchedOption("--verbose")) c.getErr().print(Prod.redact(trace.toString()));
            return ExitCode.SOFTWARE;
        });
        int exit = cl.execute(prodWordAsOption(cl.getCommandSpec(), args));
        cl.getOut().flush(); // picocli's writers buffer: what a script printed is out before System.exit
        cl.getErr().flush();
        return exit;
    }

    /** The original scripts' convention, handled once: a last positional word `prod` means --prod. */
    static String[] prodWordAsOption(CommandSpec spec, String[] args) {
        int last = -1;
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            OptionSpec option = args[i].startsWith("-") && !args[i].contains("=") ? spec.findOption(args[i]) : null;
            if (option != null && option.arity().max() > 0) i++; // skip the option's value
            else if (!args[i].startsWith("-")) last = i;
        }
        if (last < 0 || !args[last].equals("prod") || spec.findOption("--prod") == null) return args;
        String[] out = args.clone();
        out[last] = "--prod";
        return out;
    }

    /** One line that says what went wrong and, where there is one, what to do about it. */
    static String explain(Throwable ex, CommandSpec spec) {
        Connection conn = mixin(spec, Connection.class);
        TableOption table = mixin(spec, TableOption.class);
        String proxy = Prod.Proxies.problem(ex);
        if (proxy != null) return proxy;
        for (Throwable t = ex; t != null; t = t.getCause()) if (t instanceof Failure) return t.getMessage();
        if (ex instanceof ResourceNotFoundException) {
            return "Table " + (table != null ? "'" + table.name + "'" : "") + " not found at "
                    + (conn != null ? conn.target() : "the endpoint")
                    + ". Create it with: bin/ddb/schema-load" + (conn != null && conn.prod ? " prod" : "");
        }
        if (ex instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            String code = String.valueOf(ase.awsErrorDetails().errorCode());
            boolean credentials = conn != null && conn.aws() && code.matches("ExpiredToken.*|UnrecognizedClient.*");
            return "DynamoDB refused the request" + (code.equals("null") ? "" : " (" + code + ")") + ": "
                    + ase.awsErrorDetails().errorMessage()
                    + (credentials ? "; " + Prod.credentialsFix(conn) : "");
        }
        if (isUnreachable(ex)) return unreachable(conn);
        if (ex instanceof SdkClientException && String.valueOf(ex.getMessage()).contains("credentials")) {
            return "No AWS credentials found: " + SET_CREDENTIALS;
        }
        String msg = ex.getMessage();
        return msg == null || msg.isBlank() ? ex.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg);
    }

    static final String SET_CREDENTIALS =
            "set AWS_PROFILE (then 'aws sso login' or 'aws configure'), "
                    + "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.";

    static String unreachable(Connection conn) {
        Object where = conn == null ? "the endpoint"
                : conn.endpoint() != null ? conn.endpoint() : "AWS (" + conn.region() + ")";
        return "Cannot reach DynamoDB at " + where + (conn != null && conn.aws()
                ? ". Check your network and AWS_REGION."
                : ". Start a local one with: bin/ddb/local (or pass --endpoint-url URL, or prod for AWS).");
    }

    static boolean isUnreachable(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException
                    || (t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).contains("connect"))
                    || String.valueOf(t.getMessage()).startsWith("Unable to tunnel through proxy")) return true;
        }
        return false;
    }

    static <T> T mixin(CommandSpec spec, Class<T> type) {
        for (CommandSpec m : spec == null ? List.<CommandSpec>of() : spec.mixins().values()) {
            if (type.isInstance(m.userObject())) return type.cast(m.userObject());
        }
        return null;
    }

    /** --version for every script: the project's and the platform's versions. */
    static final class Version implements IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {"cruddur-ddb " + VERSION,
                    "JBang " + System.getenv().getOrDefault("JBANG_VERSION", "unknown")
                    + ", Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
                    + ", AWS SDK for Java " + VersionInfo.SDK_VERSION};
        }
    }

    // ---- Connection: DynamoDB Local (the default) or real AWS (`prod`, an AWS endpoint, a real account's table) -----

    /** --table, for the scripts that work on the messages table. */
    static final class TableOption {
        @Option(names = "--table", paramLabel = "NAME",
                defaultValue = "${env:DDB_MESSAGE_TABLE:-" + DEFAULT_TABLE + "}",
                description = "Table name (env DDB_MESSAGE_TABLE).")
        String name;
    }

    /**
     * Local mode never falls through to AWS, and prod mode never uses dummy credentials. Its clients write to a
     * prod-like target (the word prod, an AWS endpoint, a real account's table) only once the user said yes.
     */
    static final class Connection {
        @Spec(Spec.Target.MIXEE) CommandSpec spec;
        @Option(names = "--prod",
                description = "Target real AWS through the SDK's credential and region chain (same as the "
                        + "trailing word prod).")
        boolean prod;
        @Option(names = "--endpoint-url", paramLabel = "URL", description = "DynamoDB endpoint (default local: "
                + "$AWS_ENDPOINT_URL_DYNAMODB, $AWS_ENDPOINT_URL, else " + LOCAL_ENDPOINT + ").")
        String endpointUrl;
        @Option(names = "--region", paramLabel = "REGION",
                description = "AWS region (default: $AWS_REGION, the profile's region; local falls back to us-east-1).")
        String region;
        @Option(names = "--profile", paramLabel = "NAME",
                description = "AWS profile for credentials and region (default: $AWS_PROFILE).")
        String profile;

        private final Prod.Guard guard = new Prod.Guard(this);
        private DynamoDbClient client;
        private AwsCredentialsProvider credentials;

        String profileName() { return profile != null ? profile : env("AWS_PROFILE"); }

        /** The explicit endpoint, if any: local mode always has one, prod mode only when asked. */
        URI endpoint() {
            String url = Stream.of(endpointUrl, env("AWS_ENDPOINT_URL_DYNAMODB"), env("AWS_ENDPOINT_URL"))
                    .filter(Objects::nonNull).findFirst().orElse(prod ? null : LOCAL_ENDPOINT);
            if (url == null) return null;
            try {
                URI uri = new URI(url);
                boolean http = String.valueOf(uri.getScheme()).toLowerCase().matches("https?");
                if (uri.getHost() != null && http) return uri;
            } catch (URISyntaxException e) {
                // the usage error below
            }
            throw new ParameterException(spec.commandLine(),
                    "invalid endpoint URL '" + url + "': expected http(s)://HOST[:PORT], e.g. " + LOCAL_ENDPOINT);
        }

        /** Real AWS by configuration, the word or an AWS endpoint: prod's credentials, region, timeouts and pace. */
        boolean aws() { return prod || Prod.awsHost(endpoint()); }

        /** Why the target is prod-like, or null; the ARN counts after the script's DescribeTable (`prod`: the word). */
        String prodLike() { return guard.reason(); }

        /** Prod: the SDK's whole chain; local: its cheap part (no instance metadata look-up), then us-east-1. */
        String region() {
            if (region != null) return region;
            try {
                var chain = aws() ? DefaultAwsRegionProviderChain.builder().profileName(profileName()).build()
                        : new AwsRegionProviderChain(new SystemSettingsRegionProvider(),
                                new AwsProfileRegionProvider(null, profileName()));
                return region = chain.getRegion().id();
            } catch (SdkClientException e) {
                if (!aws()) return region = "us-east-1";
                throw new Failure("No AWS region for prod: set AWS_REGION, pass --region, or set a region in "
                        + (profileName() != null ? "profile '" + profileName() + "'" : "your AWS_PROFILE") + ".");
            }
        }

        /** Where this run goes, in one line: mode, endpoint, region, profile, why prod (not the account: STS knows). */
        String target() {
            String why = prodLike();
            Object ep = endpoint() != null ? endpoint() : "AWS";
            if (why == null) return "local " + ep + " (" + region() + ")";
            return "prod " + ep + " (" + region() + (profileName() != null ? ", profile " + profileName() : "")
                    + (prod ? "" : "; " + why) + ")";
        }

        /** The guard of every script that writes or deletes, before its first DynamoDB call: see Prod.Guard.declare. */
        void confirmProd(String action, String table, boolean yes) { guard.declare(action, table, yes); }

        /** After the guard's question, on stderr before the first write: nobody writes to the wrong place unaware. */
        void announceWrite(String what, String table) { guard.announce(what, table, spec.commandLine().getErr()); }

        DynamoDbClient client() { return client != null ? client : (client = client(RETRIES)); }

        /** A client of its own with another retry strategy (the batch writer owns throttling itself). */
        DynamoDbClient client(RetryStrategy retries) { return configure(DynamoDbClient.builder(), retries).build(); }

        /**
         * Any SDK client of the target (DynamoDB, Streams; S3, STS later), from its builder: endpoint, region,
         * credentials (checked once), the HTTP client (timeouts, proxy rules), retries, the guard. An AWS endpoint is
         * DynamoDB's alone (other services find theirs as the SDK does); any other serves all, as DynamoDB Local does.
         */
        <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> B configure(B builder, RetryStrategy retry) {
            Prod.Proxies.install();
            URI ep = endpoint();
            if (credentials == null) credentials = Prod.credentials(this);
            var http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(aws() ? 5 : 2))
                    .socketTimeout(Duration.ofSeconds(60)) // the proxy: Prod.Proxies decides, for every connection
                    .proxyConfiguration(p -> p.useSystemPropertyValues(false).useEnvironmentVariablesValues(false));
            boolean otherService = Prod.awsHost(ep) && !(builder instanceof DynamoDbClientBuilder);
            // Plain http makes no TLS handshake: no trust store to load (a tenth of a warm run against a local one).
            if (ep != null && !otherService && "http".equalsIgnoreCase(ep.getScheme())) {
                http.tlsTrustManagersProvider(() -> new javax.net.ssl.TrustManager[0]);
            }
            builder.region(Region.of(region())).credentialsProvider(credentials).httpClientBuilder(http)
                    .overrideConfiguration(o -> o.retryStrategy(retry).addExecutionInterceptor(guard));
            return ep == null || otherService ? builder : builder.endpointOverride(ep);
        }

        /** The SDK's waiter, at the pace of the target: local tables settle in milliseconds, AWS ones in seconds. */
        void awaitTable(String table, boolean exists) {
            var backoff = BackoffStrategy.exponentialDelayWithoutJitter(
                    Duration.ofMillis(aws() ? 1000 : 100), Duration.ofMillis(aws() ? 5000 : 1000));
            // A timeout or an unexpected error throws.
            try (var waiter = DynamoDbWaiter.builder().client(client()).overrideConfiguration(o -> o
                    .backoffStrategyV2(backoff).maxAttempts(Integer.MAX_VALUE).waitTimeout(Duration.ofMinutes(10)))
                    .build()) {
                if (exists) waiter.waitUntilTableExists(r -> r.tableName(table));
                else waiter.waitUntilTableNotExists(r -> r.tableName(table));
            }
        }
    }

    /**
     * The one retry strategy, for every call: throttling, 5xx answers and connections dropped mid-response are
     * retried up to AWS_MAX_ATTEMPTS (default 10) times with exponential backoff and full jitter, with no circuit
     * breaker to stop a long bulk run. An endpoint that cannot be reached at all is not retried, so local mode fails
     * fast.
     */
    static final RetryStrategy RETRIES = retries(Ddb::isTransient);

    static RetryStrategy retries(Predicate<Throwable> retryable) {
        String max = env("AWS_MAX_ATTEMPTS");
        int attempts = max != null && max.trim().matches("\\d{1,9}") ? Math.max(1, Integer.parseInt(max.trim())) : 10;
        return StandardRetryStrategy.builder()
                .useClientDefaults(false) // else the client adds its own conditions (throttling among them)
                .maxAttempts(attempts).circuitBreakerEnabled(false)
                .retryOnException(retryable).treatAsThrottling(Ddb::isThrottling)
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(5)))
                .throttlingBackoffStrategy(
                        BackoffStrategy.exponentialDelay(Duration.ofMillis(250), Duration.ofSeconds(10)))
                .build();
    }

    static boolean isThrottling(Throwable e) {
        return e instanceof AwsServiceException ase && ase.isThrottlingException();
    }

    static boolean isTransient(Throwable e) {
        if (e instanceof AwsServiceException ase) return ase.isThrottlingException() || ase.statusCode() >= 500;
        return e instanceof SdkClientException && !isUnreachable(e) && !(e.getCause() instanceof Failure);
    }

    static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }

    // ---- Output: JSON, progress, Ctrl-C notes ---------------------------------------------------------------------

    /** JSON in and out as plain maps, lists, strings, numbers (jackson-jr), duplicate keys refused; items: ItemJson. */
    static final class Json {
        static final JsonFactory FACTORY = new JsonFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        static final JSON COMPACT = JSON.builder(FACTORY).build();
        /** Laid out like Python's json.dumps(indent=2), so output diffs cleanly against the original scripts'. */
        static final DefaultPrettyPrinter LAYOUT = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n")).withArrayIndenter(new DefaultIndenter("  ", "\n"))
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        static final JSON PRETTY = COMPACT.with(JSON.Feature.PRETTY_PRINT_OUTPUT).with(LAYOUT);

        static String pretty(Object value) {
            try {
                return PRETTY.asString(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A whole file; a malformed one is a Failure naming file, line and column. */
        static Object read(Path file) {
            try (JsonParser p = FACTORY.createParser(file.toFile())) {
                Object value = COMPACT.anyFrom(p);
                if (p.nextToken() != null) throw new JsonParseException(p, "unexpected content after the JSON value");
                return value;
            } catch (JsonProcessingException e) {
                var at = e.getLocation();
                String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
                String what = e.getOriginalMessage().lines().findFirst().orElse("");
                throw new Failure(file + where + ": malformed JSON: " + what);
            } catch (IOException e) {
                throw new Failure(file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + ")");
            }
        }

        /** A JSON object's non-blank string field, or a Failure naming the entry. */
        static String text(Object node, String field, String entry) {
            if (node instanceof Map<?, ?> m && m.get(field) instanceof String s && !s.isBlank()) return s;
            throw new Failure(entry + ": missing or empty \"" + field + "\"");
        }
    }

    /** A closing line's capacity: what DynamoDB said it consumed (ReturnConsumedCapacity TOTAL, summed over pages). */
    static String consumed(Double units, String kind) {
        if (units == null) return "no consumed capacity reported";
        var rounded = java.math.BigDecimal.valueOf(units).setScale(2, java.math.RoundingMode.HALF_UP);
        return rounded.stripTrailingZeros().toPlainString() + " " + kind + " capacity units consumed";
    }

    /** What one call's ConsumedCapacity says (0 when it says nothing): a closing line sums these over the calls. */
    static double units(ConsumedCapacity said) {
        return said == null || said.capacityUnits() == null ? 0 : said.capacityUnits();
    }

    /** A progress bar on stderr (total -1: unknown); null with no terminal, with NO_COLOR, or for small work. */
    static ProgressBar progress(String task, long total) {
        if (System.console() == null || env("NO_COLOR") != null || (total >= 0 && total < 1_000)) return null;
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .showSpeed().setUnit(" items", 1).build();
    }

    /**
     * Ctrl-C ends the JVM at once: while this is open, `note` runs then (to say where that leaves things), and only
     * then: once closed (try-with-resources) it is silent, whatever ends the JVM, a failure's exit included.
     */
    static final class OnInterrupt implements AutoCloseable {
        private final Thread hook;
        private volatile boolean closed;

        OnInterrupt(Runnable note) {
            hook = new Thread(() -> { if (!closed) note.run(); });
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override public void close() {
            closed = true;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) { // Ctrl-C came first: the hook is saying its note
            }
        }
    }
}
