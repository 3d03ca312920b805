package dev.cdc.jdbc.snapshot;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;

import java.util.List;

/** Keyset descriptions of the small H2 tables the library's tests read. */
final class H2Tables {

    private H2Tables() {
    }

    /** {@code PUBLIC.<name>(a int, b varchar, v varchar)}, key (a, b) or (a) or none. */
    static KeysetTable table(String name, List<String> key, KeysetTable.Syntax syntax) {
        Row.Columns columns = Row.Columns.of(List.of("A", "B", "V"));
        return new KeysetTable(TableId.of("PUBLIC", name), "PUBLIC." + name, "A, B, V", key,
                key.stream().map(k -> "?").toList(), syntax,
                rs -> {
                    Row row = Row.of(columns, rs.getLong(1), rs.getString(2), rs.getString(3));
                    String[] keys = key.stream().map(k -> k.equals("A") ? Long.toString(row.get("A") instanceof Long l
                            ? l : 0) : (String) row.get("B")).toArray(String[]::new);
                    return new ReadRow(key.isEmpty() ? Row.empty() : row.project(key), row, keys);
                }, KeysetTable.KeyBinder.TEXT);
    }

    static TableSchema schema(String name) {
        return new TableSchema(TableId.of("PUBLIC", name), List.of(
                Column.notNull("A", DataType.int64()), Column.notNull("B", DataType.string()),
                Column.of("V", DataType.string())), List.of("A", "B"));
    }
}
