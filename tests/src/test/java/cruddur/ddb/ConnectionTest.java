package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What every script shares through lib/Ddb.java: where it connects, and how it fails. */
class ConnectionTest {
    @Test
    void unreachableEndpointSaysHowToStartLocal() {
        int port = LocalDynamo.freePort();
        var r = Cli.script("list-tables", "--endpoint-url", "http://127.0.0.1:" + port).run();
        assertEquals(1, r.exit(), r::toString);
        assertEquals("list-tables: Cannot reach DynamoDB at http://127.0.0.1:" + port
                + ". Start a local one with: bin/ddb/local (or pass --endpoint-url URL, or prod for AWS).", r.err());
    }

    @Test
    void verboseAddsTheStackTrace() {
        int port = LocalDynamo.freePort();
        var r = Cli.script("list-tables", "--endpoint-url", "http://127.0.0.1:" + port, "--verbose").run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("Cannot reach DynamoDB"), r::toString);
        assertTrue(r.err().contains("\tat "), "stack trace with --verbose: " + r);
    }

    @Test
    void endpointFromTheEnvironment() {
        var r = Cli.script("list-tables", "-o", "text").env("AWS_ENDPOINT_URL_DYNAMODB", LocalDynamo.endpoint()).run();
        assertEquals(0, r.exit(), r::toString);
        var generic = Cli.script("list-tables", "-o", "text").env("AWS_ENDPOINT_URL", LocalDynamo.endpoint()).run();
        assertEquals(0, generic.exit(), generic::toString);
    }

    @Test
    void badEndpointUrlIsAUsageError() {
        var r = Cli.script("list-tables", "--endpoint-url", "localhost:8000").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("invalid endpoint URL 'localhost:8000'"), r::toString);
    }

    @Test
    void unknownOptionIsAUsageError() {
        var r = Cli.script("schema-load", "--colour").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().startsWith("schema-load: Unknown option: '--colour'"), r::toString);
        assertTrue(r.err().contains("Try 'schema-load --help'"), r::toString);
    }

    @Test
    void unknownWordInsteadOfProdIsAUsageError() {
        var r = Cli.script("list-tables", "production").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("unexpected argument 'production'"), r::toString);
    }

    @Test
    void prodWithoutRegionNamesAwsRegion() {
        String table = LocalDynamo.uniqueTable("prod-noregion");
        var r = Cli.script("schema-load", "prod", "--table", table)
                .env("AWS_ACCESS_KEY_ID", "prodtestkey").env("AWS_SECRET_ACCESS_KEY", "prodtestsecret")
                .env("AWS_ENDPOINT_URL_DYNAMODB", LocalDynamo.endpoint()).run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("No AWS region for prod: set AWS_REGION"), r::toString);
        assertFalse(LocalDynamo.tableExists(LocalDynamo.client(), table));
    }

    @Test
    void prodWithoutCredentialsNamesAwsProfileAndNeverUsesDummyOnes() {
        String table = LocalDynamo.uniqueTable("prod-nocreds");
        var r = Cli.script("schema-load", "prod", "--table", table)
                .env("AWS_REGION", "us-east-1").env("AWS_ENDPOINT_URL_DYNAMODB", LocalDynamo.endpoint()).run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("No AWS credentials for prod: set AWS_PROFILE"), r::toString);
        assertFalse(LocalDynamo.tableExists(LocalDynamo.client(), table));
    }

    @Test
    void helpAndVersion() {
        var help = Cli.script("schema-load", "--help").run();
        assertEquals(0, help.exit(), help::toString);
        assertTrue(help.out().contains("Usage: schema-load [prod] [OPTIONS]"), help::toString);
        assertTrue(help.out().contains("--endpoint-url"), help::toString);
        assertTrue(help.out().contains("Examples:"), help::toString);

        var version = Cli.script("list-tables", "--version").run();
        assertEquals(0, version.exit(), version::toString);
        assertTrue(version.out().contains("cruddur-ddb "), version::toString);
        assertTrue(version.out().contains("AWS SDK for Java 2."), version::toString);
    }
}
