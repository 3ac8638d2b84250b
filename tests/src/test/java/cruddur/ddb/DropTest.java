package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class DropTest {
    final DynamoDbClient ddb = LocalDynamo.client();

    String createdTable(String prefix) {
        String table = LocalDynamo.uniqueTable(prefix);
        var r = Cli.local("schema-load", "--table", table).run();
        assertEquals(0, r.exit(), r::toString);
        return table;
    }

    @Test
    void dropsAndWaitsUntilGone() {
        String table = createdTable("drop");
        var r = Cli.local("drop", table).run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Dropped table " + table), r::toString);
        assertFalse(LocalDynamo.tableExists(ddb, table));
    }

    @Test
    void missingTableNameIsAUsageError() {
        var r = Cli.local("drop").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("Missing required parameter: 'TABLE'"), r::toString);
        assertTrue(r.err().contains("Usage: drop TABLE [prod]"), r::toString);
    }

    @Test
    void extraArgumentIsAUsageErrorAndDropsNothing() {
        String table = createdTable("drop-extra");
        var r = Cli.local("drop", table, "other").run();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("unexpected argument 'other'"), r::toString);
        assertTrue(LocalDynamo.tableExists(ddb, table));
    }

    @Test
    void missingTableFailsUnlessIfExists() {
        var r = Cli.local("drop", "no-such-table").run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("Table no-such-table does not exist"), r::toString);

        var tolerant = Cli.local("drop", "no-such-table", "--if-exists").run();
        assertEquals(0, tolerant.exit(), tolerant::toString);
    }

    @Test
    void prodWithoutTerminalOrYesDeletesNothing() {
        String table = createdTable("drop-prod");
        var r = Cli.script("drop", table, "prod").prodAtLocal().run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("Refusing to delete table " + table + " in prod without confirmation"), r::toString);
        assertTrue(r.err().contains("--yes"), r::toString);
        assertTrue(LocalDynamo.tableExists(ddb, table), "nothing deleted");
    }

    @Test
    void prodWithYesDeletes() {
        String table = createdTable("drop-prod-yes");
        var r = Cli.script("drop", table, "prod", "--yes").prodAtLocal().run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("at prod " + LocalDynamo.endpoint()), "names the prod target: " + r);
        assertFalse(LocalDynamo.tableExists(ddb, table));
    }

    @Test
    void refusesTableWithDeletionProtection() {
        String table = createdTable("drop-protected");
        ddb.updateTable(u -> u.tableName(table).deletionProtectionEnabled(true));
        var r = Cli.local("drop", table).run();
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("deletion protection"), r::toString);
        assertTrue(LocalDynamo.tableExists(ddb, table));
        ddb.updateTable(u -> u.tableName(table).deletionProtectionEnabled(false));
    }
}
