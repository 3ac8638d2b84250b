package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Behind a corporate proxy, as the AWS CLI behaves there: HTTPS_PROXY for https endpoints, HTTP_PROXY for http ones,
 * NO_PROXY, the JVM's proxy properties; for every client, the SDK's own STS and SSO clients and Streams too. A stand-in
 * proxy on loopback logs what it is asked (CONNECT host:port) and forwards nothing; no request leaves the machine.
 */
class ProxyTest {
    static final String AWS = "https://dynamodb.us-east-1.amazonaws.com";

    static Cli prodVia(String script, String... args) {
        return Cli.script(script, args).env("AWS_REGION", "us-east-1").env("AWS_ACCESS_KEY_ID", "AKIDPROXYTEST")
                .env("AWS_SECRET_ACCESS_KEY", "proxytestsecret");
    }

    @Test
    void httpsGoesThroughHttpsProxyAndARefusalNamesTheProxy() throws Exception {
        try (var proxy = new Front.RefusingProxy()) {
            var r = prodVia("list-tables", "prod", "--endpoint-url", AWS).env("HTTPS_PROXY", proxy.url()).run();
            assertEquals(1, r.exit(), r::toString);
            assertEquals(List.of("CONNECT dynamodb.us-east-1.amazonaws.com:443 HTTP/1.1"), proxy.lines);
            assertEquals("list-tables: The proxy 127.0.0.1:" + proxy.port() + " (HTTPS_PROXY) for dynamodb.us-east-1.amazonaws.com:443"
                    + " refused the connection (HTTP/1.1 403 Forbidden): check it and NO_PROXY.", r.err());

            // The lower-case name first, as curl and the AWS CLI read them; AWS's own endpoint when none is given.
            proxy.lines.clear();
            var lower = prodVia("list-tables", "prod").env("https_proxy", proxy.url()).env("HTTPS_PROXY", "http://127.0.0.1:9").run();
            assertEquals(1, lower.exit(), lower::toString);
            assertEquals(List.of("CONNECT dynamodb.us-east-1.amazonaws.com:443 HTTP/1.1"), proxy.lines);

            // HTTP_PROXY is for http URLs only.
            proxy.lines.clear();
            var httpOnly = prodVia("list-tables", "prod", "--endpoint-url", AWS).env("HTTP_PROXY", proxy.url()).run();
            assertEquals(1, httpOnly.exit(), httpOnly::toString);
            assertEquals(List.of(), proxy.lines, httpOnly::toString);
        }
    }

    @Test
    void theSdksOwnStsAndSsoClientsUseTheProxyToo() throws Exception {
        Path dir = Files.createTempDirectory("proxy-config");
        Files.writeString(dir.resolve("config"), Front.lines("[profile base]", "aws_access_key_id = AKIDBASE",
                "aws_secret_access_key = basesecret", "[profile admin]", "role_arn = arn:aws:iam::123456789012:role/admin",
                "source_profile = base", "region = eu-west-1", "[profile sso]", "sso_session = corp", "sso_account_id = 111122223333",
                "sso_role_name = Admin", "region = eu-west-1", "[sso-session corp]", "sso_start_url = https://corp.awsapps.com/start",
                "sso_region = eu-west-1"));
        Files.createDirectories(dir.resolve(".aws/sso/cache"));
        Files.writeString(dir.resolve(".aws/sso/cache/" + java.util.HexFormat.of().formatHex(java.security.MessageDigest
                .getInstance("SHA-1").digest("corp".getBytes())) + ".json"), "{\"startUrl\": \"https://corp.awsapps.com/start\", "
                + "\"region\": \"eu-west-1\", \"accessToken\": \"valid\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}");
        try (var proxy = new Front.RefusingProxy()) {
            for (String profile : List.of("admin", "sso")) {
                var r = Cli.script("list-tables", "prod", "--profile", profile).env("AWS_CONFIG_FILE", dir.resolve("config").toString())
                        .env("HOME", dir.toString()).env("HTTPS_PROXY", proxy.url()).run();
                assertEquals(1, r.exit(), r::toString);
                assertTrue(r.err().startsWith("list-tables: The proxy 127.0.0.1:" + proxy.port() + " (HTTPS_PROXY) for "), r::toString);
            }
            // (the SDK's own clients try four times)
            assertEquals(List.of("CONNECT sts.eu-west-1.amazonaws.com:443 HTTP/1.1", "CONNECT portal.sso.eu-west-1.amazonaws.com:443 HTTP/1.1"),
                    proxy.lines.stream().distinct().toList());
        }
    }

    @Test
    void loopbackGoesDirectUnlessNoProxySaysOtherwise() throws Exception {
        try (var proxy = new Front.RefusingProxy()) {
            var direct = Cli.local("list-tables", "-o", "text").env("HTTP_PROXY", proxy.url()).env("HTTPS_PROXY", proxy.url()).run();
            assertEquals(0, direct.exit(), direct::toString);
            var listed = Cli.local("list-tables", "-o", "text").env("HTTP_PROXY", proxy.url())
                    .env("NO_PROXY", "example.com, .corp.example,127.0.0.1").run();
            assertEquals(0, listed.exit(), listed::toString);
            var everything = Cli.local("list-tables", "-o", "text").env("http_proxy", proxy.url()).env("no_proxy", "*").run();
            assertEquals(0, everything.exit(), everything::toString);
            assertEquals(List.of(), proxy.lines, "nothing went through the proxy");

            // NO_PROXY is the user's whole list once set, as for the AWS CLI: here it does not name loopback.
            var proxied = Cli.local("list-tables").env("HTTP_PROXY", proxy.url()).env("NO_PROXY", ".corp.example").run();
            assertEquals(1, proxied.exit(), proxied::toString);
            String port = LocalDynamo.endpoint().replaceAll(".*:", "");
            assertEquals(List.of("POST " + LocalDynamo.endpoint() + "/ HTTP/1.1"), proxy.lines);
            assertEquals("list-tables: The proxy 127.0.0.1:" + proxy.port() + " (HTTP_PROXY) for 127.0.0.1:" + port
                    + " answered HTTP 403 instead of DynamoDB: check it and NO_PROXY.", proxied.err());
        }
    }

    @Test
    void aServiceNameOverHttpGoesThroughHttpProxy() throws Exception {
        try (var proxy = new Front.RefusingProxy()) {
            var r = Cli.script("list-tables", "--endpoint-url", "http://dynamodb-local.invalid:8000").env("HTTP_PROXY", proxy.url()).run();
            assertEquals(1, r.exit(), r::toString);
            assertEquals(List.of("POST http://dynamodb-local.invalid:8000/ HTTP/1.1"), proxy.lines);
        }
    }

    @Test
    void aProxyThatIsNotThereIsNamed() {
        int closed = LocalDynamo.freePort();
        var r = prodVia("list-tables", "prod", "--endpoint-url", AWS).env("HTTPS_PROXY", "127.0.0.1:" + closed).run();
        assertEquals(1, r.exit(), r::toString);
        assertEquals("list-tables: Cannot reach the proxy 127.0.0.1:" + closed + " (HTTPS_PROXY) for "
                + "dynamodb.us-east-1.amazonaws.com:443: check it and NO_PROXY.", r.err());
    }

    @Test
    void theJvmsProxyPropertiesWin() throws Exception {
        try (var proxy = new Front.RefusingProxy()) {
            var r = prodVia("list-tables", "prod", "--endpoint-url", AWS).env("HTTPS_PROXY", "http://127.0.0.1:9")
                    .env("JAVA_TOOL_OPTIONS", "-Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=" + proxy.port()).run();
            assertEquals(1, r.exit(), r::toString);
            assertEquals(List.of("CONNECT dynamodb.us-east-1.amazonaws.com:443 HTTP/1.1"), proxy.lines);
            assertTrue(r.err().contains("list-tables: The proxy 127.0.0.1:" + proxy.port() + " (JVM proxy properties)"), r::toString);
        }
    }

    @Test
    void theStreamsClientGoesThroughTheSameProxy() throws Exception {
        String table = MessagingTest.streamTable("proxy-stream");
        MessagingTest.group(table, "--from", "andrewbrown", "--to", "londo", "--text", "hello");
        // A proxy that forwards (plain http, absolute URLs) and records; NO_PROXY that does not name loopback sends it all there.
        try (Front proxy = Front.forwarding(LocalDynamo.endpoint())) {
            var r = Cli.local("messaging-stream", "--table", table, "--once", "--state", MessagingTest.stateFile().toString())
                    .env("HTTP_PROXY", proxy.endpoint()).env("NO_PROXY", ".corp.example").run();
            assertEquals(0, r.exit(), r::toString);
            assertTrue(proxy.operations().containsAll(List.of("DescribeTable", "DescribeStream", "GetShardIterator", "GetRecords")),
                    proxy.operations()::toString);
        }
    }
}
