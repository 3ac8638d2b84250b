package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every source of credentials the AWS CLI accepts, for prod, each ending in a DynamoDB call signed with what that source
 * gave; and the one-line fix when one fails. All on loopback: moto_server answers STS (AssumeRole, with web identity too)
 * and DynamoDB through AWS_ENDPOINT_URL, a few lines stand in for the SSO portal (AWS_ENDPOINT_URL_SSO), a container's
 * and an instance's credentials endpoints. A front before each records who signed what.
 */
class CredentialsTest {
    static final String SECRET = "SeCrEtKeY0123456789credentialsNeverPrinted";
    static final String TOKEN = "SeSsIoNtOkEn0123456789credentialsNeverPrinted";
    static final String LEGACY_START = "https://legacy.awsapps.com/start", SESSION_START = "https://corp.awsapps.com/start";

    static Front.Moto moto;
    static Front sts; // before moto: STS and DynamoDB
    static Front portal; // the SSO portal's GetRoleCredentials
    static Front dynamo; // before the suite's DynamoDB Local
    static Path home;

    @BeforeAll
    static void standIns() throws Exception {
        moto = new Front.Moto();
        sts = new Front(r -> r.operation().equals("AssumeRole") && String.valueOf(r.body()).contains("mfa-role")
                ? new Front.Response(403, Map.of("Content-Type", "text/xml"), "<ErrorResponse><Error><Type>Sender</Type>"
                        + "<Code>AccessDenied</Code><Message>MultiFactorAuthentication failed, no MFA code given</Message>"
                        + "</Error><RequestId>mfa-1</RequestId></ErrorResponse>")
                : Front.forward(moto.endpoint, r));
        portal = new Front(r -> {
            String token = String.valueOf(r.header("x-amz-sso_bearer_token"));
            if (!r.uri().startsWith("/federation/credentials") || !token.startsWith("valid-")) {
                return Front.Response.json(401, "{\"message\":\"Session token not found or invalid\"}");
            }
            String role = r.uri().replaceAll(".*role_name=([A-Za-z]+).*", "$1").toUpperCase();
            return Front.Response.json(200, "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSO" + role + "\",\"secretAccessKey\":\""
                    + SECRET + "\",\"sessionToken\":\"" + TOKEN + "\",\"expiration\":" + (System.currentTimeMillis() + 3_600_000) + "}}");
        });
        dynamo = Front.forwarding(LocalDynamo.endpoint());
        home = Files.createTempDirectory("prod-home");
        Path process = script("process.sh", "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \""
                + SECRET + "\", \"SessionToken\": \"" + TOKEN + "\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'");
        Path broken = script("broken.sh", "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDBROKEN\", \"SecretAccessKey\": \"" + SECRET + "\"'");
        Path webToken = Files.writeString(home.resolve("web-identity-token"), "eyJhbGciOiJSUzI1NiJ9.dummy-web-identity.token");
        Files.createDirectories(home.resolve(".aws/sso/cache"));
        Files.writeString(home.resolve(".aws/credentials"), Front.lines("[shared]", "aws_access_key_id = AKIDSHARED",
                "aws_secret_access_key = " + SECRET));
        Files.writeString(home.resolve(".aws/config"), Front.lines(
                "[profile base]", "aws_access_key_id = AKIDBASE", "aws_secret_access_key = " + SECRET, "region = us-east-1",
                "[profile shared]", "region = us-east-1",
                "[profile admin]", "role_arn = arn:aws:iam::123456789012:role/admin", "source_profile = base", "region = us-east-1",
                "[profile deep]", "role_arn = arn:aws:iam::123456789012:role/deep", "source_profile = admin", "region = us-east-1",
                "[profile fromenv]", "role_arn = arn:aws:iam::123456789012:role/ci", "credential_source = Environment",
                "region = us-east-1",
                "[profile mfa]", "role_arn = arn:aws:iam::123456789012:role/mfa-role", "source_profile = base",
                "mfa_serial = arn:aws:iam::123456789012:mfa/me", "region = us-east-1",
                "[profile webrole]", "role_arn = arn:aws:iam::123456789012:role/web", "web_identity_token_file = " + webToken,
                "region = us-east-1",
                "[profile process]", "credential_process = " + process, "region = us-east-1",
                "[profile brokenprocess]", "credential_process = " + broken, "region = us-east-1",
                "[profile ssolegacy]", "sso_start_url = " + LEGACY_START, "sso_region = us-east-1",
                "sso_account_id = 111122223333", "sso_role_name = Reader", "region = us-east-1",
                "[profile ssosession]", "sso_session = corp", "sso_account_id = 111122223333", "sso_role_name = Admin",
                "region = us-east-1",
                "[profile ssoroles]", "role_arn = arn:aws:iam::123456789012:role/admin", "source_profile = ssosession",
                "region = us-east-1",
                "[sso-session corp]", "sso_start_url = " + SESSION_START, "sso_region = us-east-1",
                "sso_registration_scopes = sso:account:access"));
        ssoToken(LEGACY_START, LEGACY_START, true);
        ssoToken("corp", SESSION_START, true);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {sts, portal, dynamo, moto}) if (c != null) c.close();
    }

    /** The AWS CLI's token cache: ~/.aws/sso/cache/<sha1 of the start URL (legacy) or of the session name>.json. */
    static void ssoToken(String key, String startUrl, boolean valid) throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(key.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(home.resolve(".aws/sso/cache/" + hash + ".json"), "{\"startUrl\": \"" + startUrl + "\", \"region\": "
                + "\"us-east-1\", \"accessToken\": \"" + (valid ? "valid-" : "stale-") + key.hashCode() + "\", \"expiresAt\": \""
                + (valid ? "2099-01-01T00:00:00Z" : Instant.now().minusSeconds(3600).toString().replaceAll("\\.\\d+", "")) + "\"}");
    }

    static Path script(String name, String body) throws Exception {
        Path dir = home == null ? Files.createTempDirectory("prod-bin") : home;
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /** list-tables prod with this test's HOME and AWS config; STS and DynamoDB at moto unless the test says otherwise. */
    static Cli prod(String... args) {
        Cli cli = Cli.script("list-tables", args).env("HOME", home.toString())
                .env("AWS_CONFIG_FILE", home.resolve(".aws/config").toString())
                .env("AWS_SHARED_CREDENTIALS_FILE", home.resolve(".aws/credentials").toString())
                .env("AWS_ENDPOINT_URL", sts.endpoint()).env("AWS_ENDPOINT_URL_SSO", portal.endpoint());
        return cli;
    }

    /** Runs it, and checks that no secret of any source is in its output, --verbose traces included. */
    static Cli.Result run(Cli cli) {
        Cli.Result r = cli.run();
        for (String secret : List.of(SECRET, TOKEN)) {
            assertFalse(r.out().contains(secret) || r.err().contains(secret), "a secret printed: " + r);
        }
        return r;
    }

    /** The key the last call of this operation at the front was signed with. */
    static String signedBy(Front front, String operation) {
        return front.requests.stream().filter(q -> q.operation().equals(operation)).reduce((a, b) -> b)
                .map(Front.Request::keyId).orElseThrow(() -> new AssertionError(operation + " never reached the front: "
                        + front.operations()));
    }

    @Test
    void keysInTheEnvironmentAndInSharedFiles() {
        var env = run(prod("prod", "-o", "text").env("AWS_ACCESS_KEY_ID", "AKIDENV").env("AWS_SECRET_ACCESS_KEY", SECRET)
                .env("AWS_SESSION_TOKEN", TOKEN).env("AWS_REGION", "us-east-1"));
        assertEquals(0, env.exit(), env::toString);
        assertEquals("AKIDENV", signedBy(sts, "ListTables"));

        var credentialsFile = run(prod("prod", "--profile", "shared", "-o", "text"));
        assertEquals(0, credentialsFile.exit(), credentialsFile::toString);
        assertEquals("AKIDSHARED", signedBy(sts, "ListTables"));

        var configFile = run(prod("prod", "-o", "text").env("AWS_PROFILE", "base"));
        assertEquals(0, configFile.exit(), configFile::toString);
        assertEquals("AKIDBASE", signedBy(sts, "ListTables"));
    }

    @Test
    void credentialProcess() {
        var r = run(prod("prod", "--profile", "process", "-o", "text", "--verbose"));
        assertEquals(0, r.exit(), r::toString);
        assertEquals("AKIDPROCESS", signedBy(sts, "ListTables"));

        var broken = run(prod("prod", "--profile", "brokenprocess", "--verbose"));
        assertEquals(1, broken.exit(), broken::toString);
        assertTrue(broken.err().startsWith("list-tables: No AWS credentials for prod: the credential_process of profile "
                + "'brokenprocess' failed: run it to see why"), broken::toString);
    }

    @Test
    void assumeRoleThroughSourceProfilesAndCredentialSource() {
        var r = run(prod("prod", "--profile", "admin", "-o", "text"));
        assertEquals(0, r.exit(), r::toString);
        assertEquals("AKIDBASE", signedBy(sts, "AssumeRole"), "the role is assumed with the source profile's keys");
        String role = signedBy(sts, "ListTables");
        assertTrue(role.startsWith("ASIA"), "DynamoDB is called with the role's credentials: " + role);

        sts.requests.clear();
        var chain = run(prod("prod", "-o", "text").env("AWS_PROFILE", "deep"));
        assertEquals(0, chain.exit(), chain::toString);
        var assumed = sts.requests.stream().filter(q -> q.operation().equals("AssumeRole")).map(Front.Request::keyId).toList();
        assertEquals(2, assumed.size(), "two roles, one after the other: " + sts.operations());
        assertEquals("AKIDBASE", assumed.get(0));
        assertTrue(assumed.get(1).startsWith("ASIA"), "the second role with the first one's credentials: " + assumed);
        assertNotEquals(assumed.get(1), signedBy(sts, "ListTables"));

        var ci = run(prod("prod", "--profile", "fromenv", "-o", "text").env("AWS_ACCESS_KEY_ID", "AKIDCI")
                .env("AWS_SECRET_ACCESS_KEY", SECRET));
        assertEquals(0, ci.exit(), ci::toString);
        assertEquals("AKIDCI", signedBy(sts, "AssumeRole"), "credential_source = Environment");
        assertTrue(signedBy(sts, "ListTables").startsWith("ASIA"), ci::toString);
    }

    @Test
    void webIdentityFromTheEnvironmentAndFromAProfile() {
        var r = run(prod("prod", "-o", "text").env("AWS_REGION", "us-east-1")
                .env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/github-actions")
                .env("AWS_WEB_IDENTITY_TOKEN_FILE", home.resolve("web-identity-token").toString())
                .env("AWS_ROLE_SESSION_NAME", "ci-run"));
        assertEquals(0, r.exit(), r::toString);
        assertTrue(sts.operations().contains("AssumeRoleWithWebIdentity"), sts.operations()::toString);
        assertTrue(signedBy(sts, "ListTables").startsWith("ASIA"), r::toString);

        // Without a region, the SDK sends a profile's web identity to STS's global endpoint, whatever AWS_ENDPOINT_URL says.
        var profile = run(prod("prod", "--profile", "webrole", "-o", "text").env("AWS_REGION", "us-east-1"));
        assertEquals(0, profile.exit(), profile::toString);

        var missing = run(prod("prod").env("AWS_REGION", "us-east-1").env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci")
                .env("AWS_WEB_IDENTITY_TOKEN_FILE", home.resolve("no-such-token").toString()));
        assertEquals(1, missing.exit(), missing::toString);
        assertEquals("list-tables: No AWS credentials for prod: web identity: check that the token in "
                + "AWS_WEB_IDENTITY_TOKEN_FILE is current and AWS_ROLE_ARN trusts it", missing.err());
    }

    @Test
    void ssoProfilesInBothFormsAndTheFixForAnExpiredToken() throws Exception {
        var session = run(prod("prod", "--profile", "ssosession", "-o", "text").env("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint()));
        assertEquals(0, session.exit(), session::toString);
        assertEquals("ASIASSOADMIN", signedBy(dynamo, "ListTables"));

        var legacy = run(prod("prod", "-o", "text").env("AWS_PROFILE", "ssolegacy").env("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint()));
        assertEquals(0, legacy.exit(), legacy::toString);
        assertEquals("ASIASSOREADER", signedBy(dynamo, "ListTables"));

        var roleFromSso = run(prod("prod", "--profile", "ssoroles", "-o", "text"));
        assertEquals(0, roleFromSso.exit(), roleFromSso::toString);
        assertEquals("ASIASSOADMIN", signedBy(sts, "AssumeRole"), "the role is assumed with the SSO profile's credentials");

        try {
            ssoToken(LEGACY_START, LEGACY_START, false);
            ssoToken("corp", SESSION_START, false);
            var expired = run(prod("prod", "--profile", "ssolegacy"));
            assertEquals(1, expired.exit(), expired::toString);
            assertEquals("list-tables: No AWS credentials for prod: run aws sso login --profile ssolegacy (the SSO session "
                    + "of profile 'ssolegacy' has expired or was never started)", expired.err());
            var expiredSession = run(prod("prod").env("AWS_PROFILE", "ssosession"));
            assertEquals(1, expiredSession.exit(), expiredSession::toString);
            assertTrue(expiredSession.err().startsWith("list-tables: No AWS credentials for prod: run aws sso login --profile "
                    + "ssosession (the SSO session of profile 'ssosession' has expired"), expiredSession::toString);
            var chained = run(prod("prod", "--profile", "ssoroles"));
            assertEquals(1, chained.exit(), chained::toString);
            assertTrue(chained.err().startsWith("list-tables: No AWS credentials for prod: profile 'ssoroles' assumes its role "
                    + "with profile 'ssosession': run aws sso login --profile ssosession"), chained::toString);
        } finally {
            ssoToken(LEGACY_START, LEGACY_START, true);
            ssoToken("corp", SESSION_START, true);
        }
    }

    @Test
    void credentialsThatExpireMidRunGetTheSameFix() {
        try (Front expiring = new Front(r -> Front.Response.json(400, "{\"__type\":\"com.amazon.coral.service#ExpiredTokenException\","
                + "\"message\":\"The security token included in the request is expired\"}"))) {
            var r = run(prod("prod", "--profile", "ssosession").env("AWS_ENDPOINT_URL_DYNAMODB", expiring.endpoint()));
            assertEquals(1, r.exit(), r::toString);
            assertEquals("list-tables: DynamoDB refused the request (ExpiredTokenException): The security token included in the "
                    + "request is expired; run aws sso login --profile ssosession (the SSO session of profile 'ssosession' has "
                    + "expired or was never started)", r.err());
        }
    }

    @Test
    void aRoleThatNeedsMfaNamesItsProfile() {
        var r = run(prod("prod", "--profile", "mfa"));
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().startsWith("list-tables: No AWS credentials for prod: profile 'mfa' assumes its role with MFA, which "
                + "these scripts cannot ask for: run eval \"$(aws configure export-credentials --profile mfa --format env)\" "
                + "first (MultiFactorAuthentication failed"), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
    }

    @Test
    void containerAndInstanceMetadataCredentials() {
        String creds = "{\"Code\":\"Success\",\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"" + SECRET + "\",\"Token\":\"" + TOKEN
                + "\",\"Expiration\":\"2099-01-01T00:00:00Z\"}";
        try (Front container = new Front(r -> "container-auth".equals(r.header("Authorization"))
                ? Front.Response.json(200, creds.formatted("AKIDCONTAINER")) : Front.Response.json(401, "{}"));
             Front instance = new Front(r -> r.method().equals("PUT") ? new Front.Response(200, Map.of(), "imds-token")
                     : r.uri().endsWith("/security-credentials/") || r.uri().endsWith("/security-credentials-extended/")
                     ? new Front.Response(200, Map.of(), "ec2-role") : Front.Response.json(200, creds.formatted("AKIDINSTANCE")))) {
            var ecs = run(prod("prod", "-o", "text").env("AWS_REGION", "us-east-1").env("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint())
                    .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", container.endpoint() + "/v2/credentials")
                    .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth"));
            assertEquals(0, ecs.exit(), ecs::toString);
            assertEquals("AKIDCONTAINER", signedBy(dynamo, "ListTables"));

            var ec2 = run(prod("prod", "-o", "text").env("AWS_REGION", "us-east-1").env("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint())
                    .env("AWS_EC2_METADATA_DISABLED", "false").env("AWS_EC2_METADATA_SERVICE_ENDPOINT", instance.endpoint()));
            assertEquals(0, ec2.exit(), ec2::toString);
            assertEquals("AKIDINSTANCE", signedBy(dynamo, "ListTables"));
            assertTrue(instance.requests.stream().anyMatch(q -> "imds-token".equals(q.header("x-aws-ec2-metadata-token"))),
                    "IMDSv2, with its session token");
        }
    }

    @Test
    void localModeTouchesNoCredentialSource() {
        portal.requests.clear();
        sts.requests.clear();
        var r = run(prod("-o", "text", "--endpoint-url", LocalDynamo.endpoint()).env("AWS_PROFILE", "ssosession"));
        assertEquals(0, r.exit(), r::toString);
        var roles = run(prod("-o", "text", "--endpoint-url", LocalDynamo.endpoint(), "--profile", "admin"));
        assertEquals(0, roles.exit(), roles::toString);
        assertEquals(List.of(), portal.requests, "no SSO call for a local run");
        assertEquals(List.of(), sts.requests, "no STS call for a local run");
    }
}
