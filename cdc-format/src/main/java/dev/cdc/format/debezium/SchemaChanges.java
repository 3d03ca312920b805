package dev.cdc.format.debezium;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.format.ReadEvent;

import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Debezium's MySQL schema-change records ({@code databaseName}, {@code ddl}, {@code tableChanges})
 * read back: one {@link SchemaChangeEvent} per table change, the columns' logical types from their
 * JDBC types. The inverse of {@link SchemaChangeRecords}.
 */
final class SchemaChanges {

    private SchemaChanges() {
    }

    static List<ReadEvent> read(Map<?, ?> payload) {
        Map<?, ?> source = DebeziumReader.map(payload.get("source"), "source");
        Instant commitTime = Instant.ofEpochMilli(((Number) source.get("ts_ms")).longValue());
        Map<String, String> offsets = new LinkedHashMap<>();
        for (String f : List.of("file", "pos")) {
            if (source.get(f) != null) {
                offsets.put(f, String.valueOf(source.get(f)));
            }
        }
        Position position = Position.of(offsets, "");
        Optional<String> ddl = Optional.ofNullable((String) payload.get("ddl"));
        List<ReadEvent> out = new ArrayList<>();
        for (Object c : (List<?>) payload.get("tableChanges")) {
            Map<?, ?> change = (Map<?, ?>) c;
            TableId table = tableId((String) change.get("id"));
            Optional<TableSchema> after = "DROP".equals(change.get("type")) || change.get("table") == null
                    ? Optional.empty() : Optional.of(schema(table, (Map<?, ?>) change.get("table")));
            out.add(new ReadEvent(new SchemaChangeEvent(table, Optional.empty(), after, List.of(), ddl,
                    position, commitTime), after));
        }
        return out;
    }

    /** {@code "db"."table"} (Debezium's quoted id) or {@code db.table}. */
    static TableId tableId(String id) {
        return TableId.parse(id.replace("\"", ""));
    }

    private static TableSchema schema(TableId table, Map<?, ?> json) {
        List<Column> columns = new ArrayList<>();
        for (Object o : (List<?>) json.get("columns")) {
            Map<?, ?> c = (Map<?, ?>) o;
            String typeName = String.valueOf(c.get("typeName"));
            columns.add(new Column((String) c.get("name"), type(c, typeName), !Boolean.FALSE.equals(c.get("optional")),
                    Optional.ofNullable((String) c.get("defaultValueExpression")), Optional.of(typeName)));
        }
        List<String> pk = new ArrayList<>();
        if (json.get("primaryKeyColumnNames") instanceof List<?> names) {
            names.forEach(n -> pk.add((String) n));
        }
        return new TableSchema(table, columns, pk);
    }

    private static DataType type(Map<?, ?> column, String typeName) {
        int jdbc = column.get("jdbcType") instanceof Number n ? n.intValue() : Types.OTHER;
        int length = column.get("length") instanceof Number n ? n.intValue() : -1;
        int scale = column.get("scale") instanceof Number n ? n.intValue() : 0;
        return switch (jdbc) {
            case Types.BIT, Types.BOOLEAN -> length > 1 ? DataType.bytes() : DataType.bool();
            case Types.TINYINT, Types.SMALLINT -> DataType.int16();
            case Types.INTEGER -> DataType.int32();
            case Types.BIGINT -> DataType.int64();
            case Types.REAL, Types.FLOAT -> DataType.float32();
            case Types.DOUBLE -> DataType.float64();
            case Types.DECIMAL, Types.NUMERIC -> length > 0 ? DataType.decimal(length, scale) : DataType.decimal();
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> DataType.string();
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> DataType.bytes();
            case Types.DATE -> DataType.date();
            case Types.TIME -> DataType.time();
            case Types.TIMESTAMP -> DataType.timestamp();
            case Types.TIMESTAMP_WITH_TIMEZONE -> DataType.timestampTz();
            default -> DataType.other(typeName.toLowerCase(java.util.Locale.ROOT));
        };
    }
}
