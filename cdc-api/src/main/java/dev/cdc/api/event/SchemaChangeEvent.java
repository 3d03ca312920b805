package dev.cdc.api.event;

import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table's schema changed at this position: every later row of the table has the new shape.
 *
 * @param table      the table
 * @param before     the schema before, when known
 * @param after      the schema after; empty when the table was dropped
 * @param changes    the changes from before to after, when the source knows them (the engine's
 *                   schema registry computes them otherwise)
 * @param ddl        the statement that caused the change, when the source saw one
 * @param position   where the change takes effect
 * @param commitTime when it was committed
 */
public record SchemaChangeEvent(
        TableId table,
        Optional<TableSchema> before,
        Optional<TableSchema> after,
        List<SchemaChange> changes,
        Optional<String> ddl,
        Position position,
        Instant commitTime) implements StreamEvent {

    public SchemaChangeEvent {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        changes = List.copyOf(changes);
        Objects.requireNonNull(ddl, "ddl");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(commitTime, "commitTime");
    }

    /** A table seen for the first time, or with a new shape, with no computed changes. */
    public static SchemaChangeEvent of(TableSchema after, Position position, Instant commitTime) {
        return new SchemaChangeEvent(after.table(), Optional.empty(), Optional.of(after), List.of(),
                Optional.empty(), position, commitTime);
    }

    public SchemaChangeEvent withTable(TableId newTable) {
        return new SchemaChangeEvent(newTable, before.map(s -> s.withTable(newTable)),
                after.map(s -> s.withTable(newTable)), changes, ddl, position, commitTime);
    }

    public SchemaChangeEvent withChanges(Optional<TableSchema> newBefore, List<SchemaChange> newChanges) {
        return new SchemaChangeEvent(table, newBefore, after, newChanges, ddl, position, commitTime);
    }

    public SchemaChangeEvent withSchemas(Optional<TableSchema> newBefore, Optional<TableSchema> newAfter) {
        return new SchemaChangeEvent(table, newBefore, newAfter, changes, ddl, position, commitTime);
    }
}
