// What reaching real AWS takes, for every script; lib/Ddb.java pulls it in (keep the two side by side). Which targets
// are prod-like, and the guard that asks before anything is written to one; the credentials of a connection and the
// fix for each source of them that fails; the AWS CLI's proxy rules for every connection.

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

final class Prod {
    private Prod() {}

    /** Hosts in AWS's partitions (the SDK's endpoint rules), in all forms: regional, FIPS, dual-stack, VPC endpoint. */
    static final Pattern AWS_HOST = Pattern.compile("(^|\\.)(" + String.join("|", "amazonaws.com", "amazonaws.com.cn",
            "amazonaws.eu", "api.aws", "api.amazonwebservices.com.cn", "api.amazonwebservices.eu", "c2s.ic.gov",
            "sc2s.sgov.gov", "cloud.adc-e.uk", "csp.hci.ic.gov", "api.aws.ic.gov", "api.aws.scloud",
            "api.cloud-aws.adc-e.uk", "api.aws.hci.ic.gov").replace(".", "\\.") + ")\\.?$", Pattern.CASE_INSENSITIVE);
    /** DynamoDB Local's tables (region ddblocal) and LocalStack's (its test account); any other is a real account's. */
    static final Pattern LOCAL_ARN = Pattern.compile("^arn:[^:]*:dynamodb:(ddblocal:|[^:]*:000000000000:)");
    /** Calls that change nothing already there (CreateTable makes a new table; S3's Head*): no confirmation. */
    static final Pattern READS =
            Pattern.compile("Describe|List|Get|Head|Query|Scan|BatchGet|TransactGet|Export|CreateTable");

    static boolean awsHost(URI endpoint) { return endpoint != null && AWS_HOST.matcher(endpoint.getHost()).find(); }

    static boolean isLoopback(String host) {
        try {
            return host != null
                    && (host.equalsIgnoreCase("localhost") || InetAddress.getByName(host).isLoopbackAddress());
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The guard of one connection, on every client it builds: it notes the ARN of each table described or created
     * there, and lets no write reach a prod-like target before the user says yes, by typing the table's name at the
     * terminal or with --yes. A script that writes declares what it will do first; a write not declared is refused.
     */
    static final class Guard implements ExecutionInterceptor {
        private final Ddb.Connection conn;
        private volatile String arn; // a real account's replaces a local one
        private volatile boolean confirmed;
        private String action, table;
        private boolean yes, looked;

        Guard(Ddb.Connection conn) { this.conn = conn; }

        /** Why the target is prod-like (the word prod, an AWS endpoint, a real account's table), or null. */
        String reason() {
            String seen = arn;
            return conn.prod ? "prod" : conn.aws() ? "AWS endpoint" : seen != null && !LOCAL_ARN.matcher(seen).find()
                    ? "a real account's table " + seen : null;
        }

        /**
         * What the script will do, before its first call. A target known to be prod-like before any connection (the
         * word, an AWS endpoint) is refused here when nobody can say yes: no terminal, no --yes. Otherwise the
         * question, or the refusal for a real account's table, comes with announce, after the plan.
         */
        void declare(String action, String table, boolean yes) {
            this.action = action;
            this.table = table;
            this.yes = yes;
            if (conn.aws() && !yes && System.console() == null) throw refusal();
        }

        /** Asks at the terminal, or refuses, when the target is prod-like (its table's ARN checked first). */
        synchronized void confirm() {
            if (reason() == null && arn == null && table != null && !looked) {
                looked = true;
                try {
                    conn.client().describeTable(r -> r.tableName(table)); // afterExecution notes its ARN
                } catch (ResourceNotFoundException e) {
                    // a table yet to be made: nothing there to overwrite
                }
            }
            if (reason() == null || yes || confirmed) return;
            Console console = System.console();
            if (console == null || action == null) throw refusal();
            String typed = console.readLine("About to %s %s at %s.%nType the table name to confirm: ", action, table,
                    conn.target());
            if (typed == null || !typed.trim().equals(table)) {
                throw new Ddb.Failure("Not confirmed; nothing was changed.");
            }
            confirmed = true;
        }

        /** The target line on stderr before the first write, after the question; a warning for a remote "local" one. */
        void announce(String what, String table, PrintWriter err) {
            if (action != null) confirm(); // else the script does not write (schema-load making a table)
            err.println(what + " table " + table + " at " + conn.target());
            String host = conn.endpoint() == null ? null : conn.endpoint().getHost();
            if (reason() == null && !isLoopback(host)) {
                err.println("warning: local mode, but " + host + " is not a loopback address");
            }
            err.flush();
        }

        private Ddb.Failure refusal() {
            return new Ddb.Failure("Refusing to " + (action != null ? action + " " + table : "write") + " in "
                    + (conn.prod ? "prod" : conn.target()) + " without confirmation: "
                    + (action != null ? "pass --yes (no terminal to ask on)." : "this script asks for none."));
        }

        @Override public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
            String operation = a.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            if (!confirmed && !READS.matcher(operation).lookingAt()) confirm();
        }

        @Override public void afterExecution(Context.AfterExecution c, ExecutionAttributes a) {
            TableDescription t = c.response() instanceof DescribeTableResponse d ? d.table()
                    : c.response() instanceof CreateTableResponse created ? created.tableDescription() : null;
            if (t != null && t.tableArn() != null && (arn == null || LOCAL_ARN.matcher(arn).find())) arn = t.tableArn();
        }
    }

    /**
     * A connection's credentials, checked before its first client. Prod: --profile alone, else the SDK's default
     * chain, which takes the AWS CLI's sources in its order; they resolve now, for a one-line error. Local touches no
     * chain (no network, nothing to log in to): a profile's keys or the environment's, else any; its endpoint answers.
     */
    static AwsCredentialsProvider credentials(Ddb.Connection conn) {
        String profile = conn.profileName();
        if (conn.aws()) {
            var chain = conn.profile != null ? ProfileCredentialsProvider.create(conn.profile)
                    : DefaultCredentialsProvider.builder().build();
            try {
                chain.resolveCredentials();
                return chain;
            } catch (RuntimeException e) {
                String answer = null, silent = null; // what STS or the SSO portal said; or what did not answer
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof AwsServiceException) answer = t.getMessage();
                    if (t.getCause() == null && Ddb.isUnreachable(t)) silent = t.getClass().getSimpleName() + ": "
                            + t.getMessage();
                }
                throw new Ddb.Failure("No AWS credentials for prod: " + (silent != null ? "no answer from their "
                        + "source (" + silent + "); check your network and AWS_REGION"
                        : credentialsFix(conn) + (answer != null ? " (" + answer + ")" : "")), e);
            }
        }
        // The client retries refused connections like any I/O error: a local server that is down says so at once.
        URI ep = conn.endpoint();
        var via = (InetSocketAddress) ProxySelector.getDefault().select(ep).get(0).address();
        int port = ep.getPort() != -1 ? ep.getPort() : ep.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(via == null ? new InetSocketAddress(ep.getHost(), port)
                    : new InetSocketAddress(via.getHostString(), via.getPort()), 2000);
        } catch (IOException e) {
            throw new Ddb.Failure(Ddb.unreachable(conn), e);
        }
        if (profile != null && profileProperties(profile).containsKey("aws_access_key_id")) {
            return ProfileCredentialsProvider.create(profile);
        }
        if (Ddb.env("AWS_ACCESS_KEY_ID") != null && Ddb.env("AWS_SECRET_ACCESS_KEY") != null) {
            return EnvironmentVariableCredentialsProvider.create();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("cruddurlocal", "cruddurlocal")); // any
    }

    /** What to do when credentials are missing or refused, for the source in use (for a role: its source's). */
    static String credentialsFix(Ddb.Connection conn) {
        if (conn.profile == null && Ddb.env("AWS_ACCESS_KEY_ID") != null) {
            return "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (missing, wrong or expired)";
        }
        if (conn.profile == null && Ddb.env("AWS_WEB_IDENTITY_TOKEN_FILE") != null) {
            return "web identity: check that the token in AWS_WEB_IDENTITY_TOKEN_FILE is current and AWS_ROLE_ARN "
                    + "trusts it";
        }
        String name = conn.profileName() != null ? conn.profileName() : "default", role = "";
        var p = profileProperties(name);
        for (int hops = 0; p.containsKey("source_profile") && !p.containsKey("mfa_serial") && hops < 5; hops++) {
            role += "profile '" + name + "' assumes its role with profile '" + p.get("source_profile") + "': ";
            p = profileProperties(name = p.get("source_profile"));
        }
        String of = "profile '" + name + "'", container = "AWS_CONTAINER_CREDENTIALS_";
        return role + (p.containsKey("sso_session") || p.containsKey("sso_start_url") ? "run aws sso login --profile "
                + name + " (the SSO session of " + of + " has expired or was never started)"
                : p.containsKey("mfa_serial") ? of + " assumes its role with MFA, which these scripts cannot ask for: "
                + "run eval \"$(aws configure export-credentials --profile " + name + " --format env)\" first"
                : p.containsKey("web_identity_token_file") ? of + " assumes its role with the web identity token in "
                + p.get("web_identity_token_file") + ": check that it is current and that the role trusts it"
                : p.containsKey("credential_source") ? of + " assumes its role with its credential_source ("
                + p.get("credential_source") + "): check that those credentials are there"
                : p.containsKey("credential_process") ? "the credential_process of " + of + " failed: run it to see why"
                : !p.isEmpty() ? "the keys of " + of + " are wrong or expired: aws configure --profile " + name
                : conn.profileName() != null ? of + " is not in your AWS config: aws configure sso --profile " + name
                : Ddb.env(container + "FULL_URI") != null || Ddb.env(container + "RELATIVE_URI") != null
                ? "the container's credentials endpoint (" + container + "*_URI) gave none" : Ddb.SET_CREDENTIALS);
    }

    /** Text for the terminal without secrets: the environment's own, and any value of a field named like one. */
    static String redact(String text) {
        for (String name : List.of("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")) { // real ones: 40 characters and more
            if (Ddb.env(name) != null && Ddb.env(name).length() >= 16) text = text.replace(Ddb.env(name), "****");
        }
        return text.replaceAll("(?i)((?<![a-z0-9_])(aws_)?(secret_?access_?key|session_?token|access_?token"
                + "|refresh_?token|token|client_?secret|password|sso_bearer_token)\"?\\s*[:=]\\s*\"?)[^\"\\s,}]+",
                "$1****");
    }

    static Map<String, String> profileProperties(String name) {
        return ProfileFile.defaultProfileFile().profile(name).map(p -> p.properties()).orElse(Map.of());
    }

    /**
     * The AWS CLI's proxy rules, for every connection of the JVM, the SDK's own STS and SSO clients too: an https URL
     * goes through HTTPS_PROXY, an http one through HTTP_PROXY (lower-case names first), unless NO_PROXY names its host
     * or a parent domain (* for all); without NO_PROXY, loopback goes direct. Set JVM proxy properties decide instead.
     */
    static final class Proxies extends ProxySelector {
        static volatile String last; // the proxy last chosen, and what for (host and port only), for errors
        static final String SYNC_HTTP = "software.amazon.awssdk.http.service.impl";
        private final ProxySelector jvm;

        private Proxies(ProxySelector jvm) { this.jvm = jvm; }

        static synchronized void install() {
            if (ProxySelector.getDefault() instanceof Proxies) return;
            boolean jvmSet = Stream.of("http.proxyHost", "https.proxyHost", "socksProxyHost")
                    .anyMatch(k -> System.getProperty(k) != null);
            // The SDK's own clients (STS, SSO) take the url-connection client too (else Apache's, which asks no
            // selector); and the JVM's own default, set so that they leave the choice to this selector (else they read
            // HTTP_PROXY themselves, for https too).
            if (System.getProperty(SYNC_HTTP) == null) {
                System.setProperty(SYNC_HTTP, UrlConnectionSdkHttpService.class.getName());
            }
            if (System.getProperty("http.nonProxyHosts") == null) {
                System.setProperty("http.nonProxyHosts", "localhost|127.*|[::1]");
            }
            ProxySelector.setDefault(new Proxies(jvmSet ? ProxySelector.getDefault() : null));
        }

        @Override public List<Proxy> select(URI uri) {
            String scheme = String.valueOf(uri.getScheme()).toLowerCase();
            String host = String.valueOf(uri.getHost()).toLowerCase();
            int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            String name = Stream.of(scheme + "_proxy", scheme.toUpperCase() + "_PROXY").filter(n -> Ddb.env(n) != null)
                    .findFirst().orElse(null);
            String noProxy = Stream.of(Ddb.env("no_proxy"), Ddb.env("NO_PROXY")).filter(Objects::nonNull).findFirst()
                    .orElse(null);
            boolean direct = !scheme.matches("https?") || name == null || (noProxy == null
                    ? host.matches("localhost|127\\.[0-9.]+|\\[::1]")
                    : Stream.of(noProxy.toLowerCase().split(",")).map(n -> n.strip().replaceFirst("^\\.+", ""))
                            .anyMatch(n -> n.equals("*") || !n.isEmpty() && Stream.of(host, host + ":" + port)
                                    .anyMatch(h -> h.equals(n) || h.endsWith("." + n))));
            String value = direct ? null : Ddb.env(name);
            URI url = direct ? null : URI.create(value.contains("://") ? value : "http://" + value);
            List<Proxy> chosen = jvm != null ? jvm.select(uri) : direct ? List.of(Proxy.NO_PROXY)
                    : List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(url.getHost(),
                            url.getPort() > 0 ? url.getPort() : 80)));
            if (chosen.get(0).address() instanceof InetSocketAddress at) last = at.getHostString() + ":" + at.getPort()
                    + " (" + (jvm != null ? "JVM proxy properties" : name) + ") for " + host + ":" + port;
            return chosen;
        }

        @Override public void connectFailed(URI uri, SocketAddress address, IOException e) {}

        /** A request that failed at the proxy, in one line naming it; null when no proxy was in the way. */
        static String problem(Throwable ex) {
            String refusal = null;
            for (Throwable t = ex; last != null && t != null; t = t.getCause()) {
                String m = String.valueOf(t.getMessage());
                if (m.startsWith("Unable to tunnel")) refusal = m.replaceAll(".*returns |\"", "");
            }
            String check = ": check it and NO_PROXY.";
            if (refusal != null) return "The proxy " + last + " refused the connection (" + refusal + ")" + check;
            if (last != null && ex instanceof AwsServiceException a
                    && (a.awsErrorDetails() == null || a.awsErrorDetails().errorCode() == null)) {
                return "The proxy " + last + " answered HTTP " + a.statusCode() + " instead of DynamoDB" + check;
            }
            return last != null && Ddb.isUnreachable(ex) ? "Cannot reach the proxy " + last + check : null;
        }
    }
}
