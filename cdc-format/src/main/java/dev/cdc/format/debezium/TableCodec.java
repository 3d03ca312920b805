package dev.cdc.format.debezium;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One table's rows in the {@code debezium} format: a codec per column of its schema (in column
 * order; the columns Debezium leaves out have none), the key columns, and the Connect schemas of
 * its key and value structs. Built from the table's schema when the stream announced it, else
 * from the Java values of its first row. Immutable and thread-safe.
 */
final class TableCodec {

    private record Field(String name, FieldCodec codec, boolean optional, Object defaultValue) {
    }

    private final String schemaPrefix;
    private final List<Field> fields;
    private final List<Field> keyFields;
    private final DebeziumSettings settings;
    private final Flavour flavour;

    private TableCodec(String schemaPrefix, List<Field> fields, List<Field> keyFields, DebeziumSettings settings,
                       Flavour flavour) {
        this.schemaPrefix = schemaPrefix;
        this.fields = fields;
        this.keyFields = keyFields;
        this.settings = settings;
        this.flavour = flavour;
    }

    /** The codec of a table of a known schema. */
    static TableCodec of(TableSchema schema, Flavour flavour, DebeziumSettings s) {
        List<Field> fields = new ArrayList<>();
        List<Field> keys = new ArrayList<>();
        for (Column c : schema.columns()) {
            FieldCodec codec = codec(c, flavour, s);
            if (codec == null) {
                continue;
            }
            Field f = new Field(c.name(), codec, c.nullable(), defaultValue(c, codec));
            fields.add(f);
            if (schema.primaryKey().contains(c.name())) {
                keys.add(new Field(c.name(), codec, false, null));
            }
        }
        // the key struct lists the key columns in key order
        List<Field> ordered = new ArrayList<>();
        for (String k : schema.primaryKey()) {
            keys.stream().filter(f -> f.name().equals(k)).findFirst().ifPresent(ordered::add);
        }
        return new TableCodec(prefix(s, schema.table()), fields, ordered, s, flavour);
    }

    /** The codec of a table seen only through a row (no schema in the stream): from its Java values. */
    static TableCodec ofRow(TableId table, Row key, Row row, Flavour flavour, DebeziumSettings s) {
        List<Column> columns = new ArrayList<>();
        for (Map.Entry<String, Object> c : row.asMap().entrySet()) {
            columns.add(Column.of(c.getKey(), typeOf(c.getValue())));
        }
        List<String> keyNames = key.asMap().keySet().stream().filter(row::has).toList();
        return of(new TableSchema(table, columns, keyNames), flavour, s);
    }

    private static FieldCodec codec(Column c, Flavour flavour, DebeziumSettings s) {
        return flavour == Flavour.MYSQL ? MySqlFields.of(c, s) : PostgresFields.of(c, s);
    }

    /** The logical type of a Java value, for tables without a schema. */
    private static DataType typeOf(Object v) {
        if (v instanceof Boolean) {
            return DataType.bool();
        } else if (v instanceof Short || v instanceof Byte) {
            return DataType.int16();
        } else if (v instanceof Integer) {
            return DataType.int32();
        } else if (v instanceof Long) {
            return DataType.int64();
        } else if (v instanceof Float) {
            return DataType.float32();
        } else if (v instanceof Double) {
            return DataType.float64();
        } else if (v instanceof BigDecimal) {
            return DataType.decimal();
        } else if (v instanceof byte[]) {
            return DataType.bytes();
        } else if (v instanceof LocalDate) {
            return DataType.date();
        } else if (v instanceof LocalTime) {
            return DataType.time();
        } else if (v instanceof LocalDateTime) {
            return DataType.timestamp();
        } else if (v instanceof Instant) {
            return DataType.timestampTz();
        } else if (v instanceof UUID) {
            return DataType.uuid();
        } else if (v instanceof List<?> l) {
            return DataType.arrayOf(l.stream().filter(e -> e != null).findFirst().map(TableCodec::typeOf)
                    .orElse(DataType.string()));
        }
        return DataType.string();
    }

    /** {@code <topic.prefix>.<schema or database>.<table>}: the topic, and the prefix of the schema names. */
    static String prefix(DebeziumSettings s, TableId t) {
        return s.topicPrefix() + (t.namespace().isEmpty() ? "" : "." + t.namespace()) + "." + t.name();
    }

    String topic() {
        return schemaPrefix;
    }

    Flavour flavour() {
        return flavour;
    }

    boolean hasKey() {
        return !keyFields.isEmpty();
    }

    /** The value struct of a row: every column, those the row lacks as null, unchanged ones as the placeholder. */
    void writeRow(JsonGenerator g, Row row, boolean snapshot) throws IOException {
        writeStruct(g, fields, row, snapshot);
    }

    /** The key struct of a row's key columns. */
    void writeKey(JsonGenerator g, Row row, boolean snapshot) throws IOException {
        writeStruct(g, keyFields, row, snapshot);
    }

    private void writeStruct(JsonGenerator g, List<Field> of, Row row, boolean snapshot) throws IOException {
        g.writeStartObject();
        writeFields(g, of, row, snapshot);
        g.writeEndObject();
    }

    /** Writes the row's columns (no braces) for the unwrapped form, which adds fields after them. */
    void writeRowFields(JsonGenerator g, Row row, boolean snapshot) throws IOException {
        writeFields(g, fields, row, snapshot);
    }

    private void writeFields(JsonGenerator g, List<Field> of, Row row, boolean snapshot) throws IOException {
        for (Field f : of) {
            g.writeFieldName(f.name());
            Object v = row.has(f.name()) ? row.get(f.name()) : null;
            if (v == null) {
                g.writeNull();
            } else if (v == Unchanged.VALUE) {
                f.codec().writeUnavailable(g, settings.unavailablePlaceholder());
            } else {
                f.codec().write(g, v, snapshot);
            }
        }
    }

    /** The Connect schema of the value struct ({@code <prefix>.Value}), optional as before/after are. */
    ConnectSchema valueSchema() {
        return struct(fields, schemaPrefix + ".Value");
    }

    /** The Connect schema of the key struct ({@code <prefix>.Key}). */
    ConnectSchema keySchema() {
        return struct(keyFields, schemaPrefix + ".Key");
    }

    private static ConnectSchema struct(List<Field> of, String name) {
        ConnectSchema s = ConnectSchema.of("struct").name(name);
        for (Field f : of) {
            s.field(f.name(), f.codec().schema().optional(f.optional()).defaultValue(f.defaultValue()));
        }
        return s;
    }

    /**
     * The column's default as Debezium puts it in the schema, for the literal defaults of plain
     * integer, boolean and string columns ({@code 5}, {@code 'x'}, {@code 'x'::text}); none otherwise.
     */
    private static Object defaultValue(Column c, FieldCodec codec) {
        if (c.defaultValue().isEmpty()) {
            return null;
        }
        String d = c.defaultValue().get().trim();
        ConnectSchema schema = codec.schema();
        if (schema.name() != null) {
            return null;
        }
        try {
            return switch (schema.type()) {
                case "int16", "int32" -> Integer.parseInt(d);
                case "int64" -> Long.parseLong(d);
                case "boolean" -> d.equalsIgnoreCase("true") ? Boolean.TRUE : d.equalsIgnoreCase("false") ? Boolean.FALSE
                        : null;
                case "string" -> d.startsWith("'") && d.lastIndexOf('\'') > 0
                        ? d.substring(1, d.lastIndexOf('\'')).replace("''", "'") : null;
                default -> null;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
