package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every bad input a user can give, against a seeded table: one clear line (no stack trace), the documented
 * exit code, and the table exactly as it was.
 */
class BadInputTest {
    static String table;
    static Map<String, Map<String, AttributeValue>> before;

    @BeforeAll
    static void seeded() {
        table = Tables.fresh("bad-input");
        assertEquals(0, Cli.local("seed", "--table", table).run().exit());
        before = Tables.snapshot(LocalDynamo.client(), table);
    }

    static Arguments bad(String name, int exit, String message, UnaryOperator<Cli> extra, String script, String... args) {
        return Arguments.of(name, exit, message, extra, script, args);
    }

    static Stream<Arguments> cases() {
        String unreachable = "http://127.0.0.1:" + LocalDynamo.freePort();
        UnaryOperator<Cli> local = c -> c.env("AWS_ENDPOINT_URL_DYNAMODB", LocalDynamo.endpoint());
        UnaryOperator<Cli> prodNoRegion = c -> c.env("AWS_ENDPOINT_URL_DYNAMODB", LocalDynamo.endpoint())
                .env("AWS_ACCESS_KEY_ID", "prodtestkey").env("AWS_SECRET_ACCESS_KEY", "prodtestsecret");
        UnaryOperator<Cli> prodNoCredentials = c -> c.env("AWS_ENDPOINT_URL_DYNAMODB", LocalDynamo.endpoint()).env("AWS_REGION", "us-east-1");
        List<Arguments> all = new ArrayList<>(List.of(
                bad("unknown option", 2, "seed: Unknown option: '--fast'", local, "seed", "--fast"),
                bad("extra argument", 2, "seed: unexpected argument 'twice'", local, "seed", "twice"),
                bad("missing argument", 2, "drop: Missing required parameter", local, "drop"),
                bad("extra arguments", 2, "drop: unexpected argument 'more'", local, "drop", "TABLE", "more"),
                bad("malformed uuid", 2, "get-conversation: 'abc' is not a message group UUID", local, "patterns/get-conversation", "abc"),
                bad("bad endpoint url", 2, "seed: invalid endpoint URL 'ftp://x'", c -> c, "seed", "--endpoint-url", "ftp://x"),
                bad("non-numeric limit", 2, "scan: Invalid value for option '--limit': 'lots' is not a long", local, "scan", "--limit", "lots"),
                bad("negative segments", 2, "scan: --segments must be at least 1", local, "scan", "--segments", "-1"),
                bad("zero threads", 2, "seed: --threads must be at least 1", local, "seed", "--threads", "0"),
                bad("unknown handle", 2, "list-conversations: unknown handle 'kosh'", local, "patterns/list-conversations", "kosh"),
                bad("unknown output format", 2, "scan: Invalid value for option '--output': expected one of [jsonl, json, table]", local, "scan", "-o", "xml"),
                bad("missing seeds folder", 1, "seed: No seeds folder at /nonexistent", local, "seed", "--seeds", "/nonexistent"),
                bad("table name DynamoDB rejects", 1, "seed: DynamoDB refused the request (ValidationException)", local, "seed", "--table", "no!"),
                bad("unreachable endpoint", 1, "seed: Cannot reach DynamoDB at " + unreachable, c -> c, "seed", "--endpoint-url", unreachable),
                bad("missing table", 1, "seed: Table 'missing-table' not found at local", local, "seed", "--table", "missing-table"),
                bad("prod without region", 1, "seed: No AWS region for prod: set AWS_REGION", prodNoRegion, "seed", "prod", "--yes"),
                bad("prod without credentials", 1, "drop: No AWS credentials for prod: set AWS_PROFILE", prodNoCredentials, "drop", "TABLE", "prod", "--yes"),
                bad("prod drop without confirmation", 1, "drop: Refusing to delete table TABLE in prod", c -> c.prodAtLocal(), "drop", "TABLE", "prod"),
                bad("prod seed without confirmation", 1, "seed: Refusing to seed TABLE in prod", c -> c.prodAtLocal(), "seed", "prod")));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneClearLineAndTheTableUnchanged(String name, int exit, String message, UnaryOperator<Cli> extra, String script, String[] args) {
        List<String> withTable = new ArrayList<>();
        for (String a : args) withTable.add(a.equals("TABLE") ? table : a);
        boolean tableGiven = withTable.contains("--table") || script.equals("drop");
        if (!tableGiven) {
            withTable.add("--table");
            withTable.add(table);
        }
        String expected = message.replace("TABLE", table);
        var r = extra.apply(Cli.script(script, withTable.toArray(String[]::new))).run();
        assertEquals(exit, r.exit(), r::toString);
        List<String> errors = r.err().lines().filter(l -> l.startsWith(expected.substring(0, expected.indexOf(':') + 1))).toList();
        assertEquals(1, errors.size(), "exactly one error line: " + r);
        assertTrue(errors.get(0).startsWith(expected), "expected '" + expected + "':\n" + r);
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r);
        if (exit == 2) assertTrue(r.err().contains("--help' for more information"), r::toString);
        assertEquals(before, Tables.snapshot(LocalDynamo.client(), table), "the table is unchanged");
    }
}
