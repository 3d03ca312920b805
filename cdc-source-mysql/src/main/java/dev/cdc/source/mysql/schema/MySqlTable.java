package dev.cdc.source.mysql.schema;

import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.source.mysql.types.MySqlTypes;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A table's columns and primary key as the server describes them at one moment. */
public record MySqlTable(TableId id, List<ColumnInfo> columns, List<String> primaryKey) {

    public MySqlTable {
        Objects.requireNonNull(id, "id");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    public Optional<ColumnInfo> column(String name) {
        for (ColumnInfo c : columns) {
            if (c.name().equalsIgnoreCase(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The logical schema. */
    public TableSchema toSchema(boolean tinyint1AsBoolean) {
        List<Column> cols = columns.stream().map(c -> new Column(c.name(), MySqlTypes.logicalType(c, tinyint1AsBoolean),
                c.nullable(), c.defaultValue(), Optional.of(c.columnType()))).toList();
        return new TableSchema(id, cols, primaryKey);
    }
}
