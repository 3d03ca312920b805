package dev.cdc.plugins.transform;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.Transformer;
import dev.cdc.plugins.filter.ColumnPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Removes the selected columns from row changes and schema changes.
 *
 * <p>Row changes lose the columns from their before and after rows; the event's key is never
 * changed. Schema changes lose them from both schemas, and the changes that concern only them
 * (add, drop, alter) are removed; a rename from a kept to a dropped name becomes a drop, a
 * rename from a dropped to a kept name becomes an add (when the after schema is known). A key
 * column is kept in the schema, since a primary key cannot lose its column; such a match is
 * logged once per column as a warning. Immutable apart from caches; thread-safe.
 */
public final class DropColumnsTransformer implements Transformer {

    private static final Logger LOG = LoggerFactory.getLogger(DropColumnsTransformer.class);

    private final ColumnSelection selection;
    private final Set<String> warnedKeyColumns = ConcurrentHashMap.newKeySet();

    public DropColumnsTransformer(List<ColumnPattern> columns) {
        this.selection = new ColumnSelection(columns);
    }

    @Override
    public Optional<ChangeEvent> apply(ChangeEvent event) {
        Set<String> drop = selection.selected(event.table(), event.before(), event.after());
        if (drop.isEmpty()) {
            return Optional.of(event);
        }
        drop.stream().filter(event.key()::has).forEach(c -> warnKeyColumn(event.table(), c));
        return Optional.of(event.withRows(event.before().map(r -> r.without(drop)),
                event.after().map(r -> r.without(drop))));
    }

    @Override
    public Optional<SchemaChangeEvent> applySchemaChange(SchemaChangeEvent change) {
        Set<String> key = new HashSet<>();
        change.before().ifPresent(s -> key.addAll(s.primaryKey()));
        change.after().ifPresent(s -> key.addAll(s.primaryKey()));
        TableId table = change.table();
        return Optional.of(SchemaRewriter.rewrite(change, this::dropFrom, c -> rewrite(change, table, key, c)));
    }

    private TableSchema dropFrom(TableSchema schema) {
        List<Column> kept = schema.columns().stream().filter(c -> {
            if (!selection.matches(schema.table(), c.name())) {
                return true;
            }
            if (schema.primaryKey().contains(c.name())) {
                warnKeyColumn(schema.table(), c.name());
                return true;
            }
            return false;
        }).toList();
        return kept.size() == schema.columns().size() ? schema : new TableSchema(schema.table(), kept, schema.primaryKey());
    }

    private List<SchemaChange> rewrite(SchemaChangeEvent event, TableId table, Set<String> key, SchemaChange change) {
        if (change instanceof SchemaChange.CreateTable create) {
            return List.of(new SchemaChange.CreateTable(dropFrom(create.schema())));
        }
        if (change instanceof SchemaChange.AddColumn add) {
            if (dropped(table, key, add.column().name())) {
                return List.of();
            }
            Optional<String> after = add.after().filter(a -> !dropped(table, key, a));
            return List.of(after.equals(add.after()) ? add : new SchemaChange.AddColumn(add.column(), after));
        }
        if (change instanceof SchemaChange.RenameColumn rename) {
            boolean from = dropped(table, key, rename.from());
            boolean to = dropped(table, key, rename.to());
            if (from == to) {
                return from ? List.of() : List.of(rename);
            }
            if (to) {
                return List.of(new SchemaChange.DropColumn(rename.from()));
            }
            // The sink never saw the old name: to it, the column is new.
            return event.after().flatMap(s -> s.column(rename.to()))
                    .<List<SchemaChange>>map(c -> List.of(new SchemaChange.AddColumn(c, Optional.empty())))
                    .orElse(List.of());
        }
        Optional<String> altered = SchemaRewriter.alteredColumn(change);
        return altered.isPresent() && dropped(table, key, altered.get()) ? List.of() : List.of(change);
    }

    private boolean dropped(TableId table, Set<String> key, String column) {
        return selection.matches(table, column) && !key.contains(column);
    }

    private void warnKeyColumn(TableId table, String column) {
        if (warnedKeyColumns.add(table + "." + column)) {
            LOG.warn("drop-columns: column '{}' of {} matches {} but is a key column: it is removed from before/after "
                    + "rows only and stays in the event key and the table schema", column, table, selection);
        }
    }

    @Override
    public String toString() {
        return "drop-columns " + selection;
    }
}
