package dev.cdc.plugins.filter;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Filter;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the events of tables that some include pattern matches and no exclude pattern does;
 * row changes and schema changes alike. Decisions are cached per table. Thread-safe.
 */
public final class TableFilter implements Filter {

    private final List<TablePattern> include;
    private final List<TablePattern> exclude;
    private final Map<TableId, Boolean> decisions = new ConcurrentHashMap<>();

    public TableFilter(List<TablePattern> include, List<TablePattern> exclude) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
    }

    /** Whether the table's events are kept. */
    public boolean keeps(TableId table) {
        return decisions.computeIfAbsent(table,
                t -> TablePattern.anyMatches(include, t) && !TablePattern.anyMatches(exclude, t));
    }

    @Override
    public boolean test(ChangeEvent event) {
        return keeps(event.table());
    }

    @Override
    public boolean testSchemaChange(SchemaChangeEvent change) {
        return keeps(change.table());
    }

    @Override
    public String toString() {
        return "table filter (include " + include + ", exclude " + exclude + ")";
    }
}
