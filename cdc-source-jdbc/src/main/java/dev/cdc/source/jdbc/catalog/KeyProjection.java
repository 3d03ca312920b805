package dev.cdc.source.jdbc.catalog;

import dev.cdc.api.event.Row;

import java.util.List;

/**
 * A table's primary key taken out of its rows, with the key's columns built once (instead of
 * {@link Row#project}, which builds them for every row). Immutable and thread-safe.
 */
public final class KeyProjection {

    private final Row.Columns columns;
    private final List<String> names;
    private final int[] indexes;

    /** For rows in the table's column order. */
    public KeyProjection(JdbcTable table) {
        this.names = table.primaryKey();
        this.columns = Row.Columns.of(names);
        this.indexes = names.stream().mapToInt(k -> table.columnNames().indexOf(k)).toArray();
    }

    /** The key of a row whose values are in the table's column order. */
    public Row of(Object[] values) {
        Object[] key = new Object[indexes.length];
        for (int i = 0; i < key.length; i++) {
            key[i] = values[indexes[i]];
        }
        return Row.of(columns, key);
    }

    /** The key of a row (by column name). */
    public Row of(Row row) {
        Object[] key = new Object[indexes.length];
        for (int i = 0; i < key.length; i++) {
            key[i] = row.get(names.get(i));
        }
        return Row.of(columns, key);
    }
}
