package dev.cdc.sink.jdbc.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the target database holds for one table: its columns and primary key as read from the
 * database (or as the sink just created them). Immutable; a migration makes a new one.
 *
 * @param ref        the table's name
 * @param columns    the columns by name, in table order
 * @param primaryKey the primary key's columns in key order; empty for a table without one
 * @param keyName    the name of the primary key constraint, when the database reports one
 */
public record TargetTable(TableRef ref, Map<String, TargetColumn> columns, List<String> primaryKey,
                          Optional<String> keyName) {

    public TargetTable {
        Objects.requireNonNull(ref, "ref");
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        primaryKey = List.copyOf(primaryKey);
        Objects.requireNonNull(keyName, "keyName");
    }

    public boolean has(String column) {
        return columns.containsKey(column);
    }

    public Optional<TargetColumn> column(String name) {
        return Optional.ofNullable(columns.get(name));
    }

    public List<String> columnNames() {
        return new ArrayList<>(columns.keySet());
    }

    @Override
    public String toString() {
        return ref + " " + columns.values() + " key " + primaryKey;
    }
}
