package dev.cdc.plugins.transform;

import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Rebuilds a schema-change event with its schemas and changes rewritten by a column transformer. */
final class SchemaRewriter {

    private SchemaRewriter() {
    }

    /**
     * The event with {@code schemas} applied to its before and after schemas and each change
     * replaced by {@code changes}' list (empty to remove it); the event itself when nothing changed.
     */
    static SchemaChangeEvent rewrite(SchemaChangeEvent event, UnaryOperator<TableSchema> schemas,
                                     Function<SchemaChange, List<SchemaChange>> changes) {
        Optional<TableSchema> before = event.before().map(schemas);
        Optional<TableSchema> after = event.after().map(schemas);
        List<SchemaChange> newChanges = event.changes().stream().flatMap(c -> changes.apply(c).stream()).toList();
        SchemaChangeEvent out = new SchemaChangeEvent(event.table(), before, after, newChanges, event.ddl(),
                event.position(), event.commitTime());
        return out.equals(event) ? event : out;
    }

    /** The one column that a drop or alter-column change is about, if it is one of those. */
    static Optional<String> alteredColumn(SchemaChange change) {
        if (change instanceof SchemaChange.DropColumn c) {
            return Optional.of(c.column());
        }
        if (change instanceof SchemaChange.AlterColumnType c) {
            return Optional.of(c.column());
        }
        if (change instanceof SchemaChange.AlterColumnNullability c) {
            return Optional.of(c.column());
        }
        if (change instanceof SchemaChange.AlterColumnDefault c) {
            return Optional.of(c.column());
        }
        return Optional.empty();
    }
}
