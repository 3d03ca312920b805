package dev.cdc.plugins.transform;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.Transformer;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames tables: first by the exact mapping, else by the pattern (which must match the whole
 * {@code namespace.table}) and its replacement; other tables keep their name. Row changes,
 * schema changes (their table, both schemas, and the tables named by create, drop and rename
 * table changes) are renamed alike; the DDL text is left as the source wrote it. Each table's
 * new name is computed once. Thread-safe.
 */
public final class RenameTableTransformer implements Transformer {

    private final Map<TableId, TableId> mapping;
    private final Optional<Pattern> pattern;
    private final String replacement;
    private final Map<TableId, TableId> renamed = new ConcurrentHashMap<>();

    public RenameTableTransformer(Map<TableId, TableId> mapping, Optional<Pattern> pattern, String replacement) {
        this.mapping = Map.copyOf(mapping);
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.replacement = Objects.requireNonNull(replacement, "replacement");
    }

    /**
     * The table's new name (itself when no rule applies).
     *
     * @throws CdcException when the replacement makes something that is not a table name
     */
    public TableId rename(TableId table) {
        return renamed.computeIfAbsent(table, this::compute);
    }

    private TableId compute(TableId table) {
        TableId mapped = mapping.get(table);
        if (mapped != null) {
            return mapped;
        }
        if (pattern.isEmpty()) {
            return table;
        }
        Matcher m = pattern.get().matcher(table.toString());
        if (!m.matches()) {
            return table;
        }
        String result;
        try {
            result = m.replaceFirst(replacement);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new CdcException("rename-table: replacement '" + replacement + "' does not fit pattern '"
                    + pattern.get() + "' (table " + table + "): " + e.getMessage() + "; fix the replacement", e);
        }
        if (result.isEmpty() || result.endsWith(".")) {
            throw new CdcException("rename-table: pattern '" + pattern.get() + "' with replacement '" + replacement
                    + "' renames table " + table + " to '" + result + "', which has no table name; "
                    + "fix the replacement so it gives namespace.table");
        }
        return TableId.parse(result);
    }

    @Override
    public Optional<ChangeEvent> apply(ChangeEvent event) {
        TableId to = rename(event.table());
        return Optional.of(to.equals(event.table()) ? event : event.withTable(to));
    }

    @Override
    public Optional<SchemaChangeEvent> applySchemaChange(SchemaChangeEvent change) {
        SchemaChangeEvent out = new SchemaChangeEvent(rename(change.table()), change.before().map(this::rename),
                change.after().map(this::rename), change.changes().stream().map(this::rename).toList(),
                change.ddl(), change.position(), change.commitTime());
        return Optional.of(out.equals(change) ? change : out);
    }

    private TableSchema rename(TableSchema schema) {
        return schema.withTable(rename(schema.table()));
    }

    private SchemaChange rename(SchemaChange change) {
        if (change instanceof SchemaChange.CreateTable c) {
            return new SchemaChange.CreateTable(rename(c.schema()));
        }
        if (change instanceof SchemaChange.DropTable d) {
            return new SchemaChange.DropTable(rename(d.table()));
        }
        if (change instanceof SchemaChange.RenameTable r) {
            return new SchemaChange.RenameTable(rename(r.from()), rename(r.to()));
        }
        return change;
    }

    @Override
    public String toString() {
        return "rename-table " + mapping + pattern.map(p -> " " + p + " -> " + replacement).orElse("");
    }
}
