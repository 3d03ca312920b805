package dev.cdc.testkit.source;

import dev.cdc.api.event.Operation;
import dev.cdc.api.event.TableId;

import java.math.BigDecimal;

/** Commits changes to a {@link MemoryDatabase}. */
final class MemoryDriver implements SourceDriver {

    private final MemoryDatabase database;

    MemoryDriver(MemoryDatabase database) {
        this.database = database;
    }

    @Override
    public String namespace() {
        return "mem";
    }

    @Override
    public void createTable(TableId table) {
        // tables need no declaration in the list
    }

    @Override
    public void insert(TableId table, long id, String name, BigDecimal amount) {
        database.commit(new MemoryDatabase.Change(table, Operation.CREATE, id, name, amount));
    }

    @Override
    public void update(TableId table, long id, String name, BigDecimal amount) {
        database.commit(new MemoryDatabase.Change(table, Operation.UPDATE, id, name, amount));
    }

    @Override
    public void delete(TableId table, long id) {
        database.commit(new MemoryDatabase.Change(table, Operation.DELETE, id, null, null));
    }

    @Override
    public void dropTable(TableId table) {
        // nothing to drop
    }

    @Override
    public void close() {
        // holds no connection
    }
}
