package dev.cdc.api.schema;

import dev.cdc.api.event.TableId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The shape of a table: its columns in order and its primary key (empty for a table without
 * one). The fingerprint identifies a shape: two schemas with the same columns, types,
 * nullability and key have the same fingerprint.
 */
public record TableSchema(TableId table, List<Column> columns, List<String> primaryKey) {

    public TableSchema {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        var names = new HashSet<String>();
        for (Column c : columns) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("table " + table + " has column '" + c.name() + "' twice");
            }
        }
        for (String k : primaryKey) {
            if (!names.contains(k)) {
                throw new IllegalArgumentException("key column '" + k + "' is not a column of " + table
                        + "; columns are " + names);
            }
        }
    }

    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    public boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }

    public TableSchema withTable(TableId newTable) {
        return new TableSchema(newTable, columns, primaryKey);
    }

    public TableSchema withColumns(List<Column> newColumns) {
        return new TableSchema(table, newColumns, primaryKey.stream()
                .filter(k -> newColumns.stream().anyMatch(c -> c.name().equals(k))).toList());
    }

    /** A SHA-256 over the columns, types, nullability and key; the table name is not part of it. */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder();
        for (Column c : columns) {
            sb.append(c.name()).append(' ').append(c.type().describe()).append(c.nullable() ? " null" : " not null")
                    .append('\n');
        }
        sb.append("key ").append(String.join(",", primaryKey));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
