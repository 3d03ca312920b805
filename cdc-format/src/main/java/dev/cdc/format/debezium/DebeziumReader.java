package dev.cdc.format.debezium;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.format.ReadEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Debezium's JSON records (PostgreSQL and MySQL connectors, {@code JsonConverter} with or
 * without the schema part) back into events: {@code c}, {@code u}, {@code d}, {@code r}, {@code t}
 * records become {@link ChangeEvent}s, a MySQL schema-change record a {@link SchemaChangeEvent} per
 * table change. With the schema part, values get their exact Java types ({@link ConnectValues}) and
 * the record's table schema is returned beside the event; without it, values keep JSON's kinds.
 * Events carry Debezium's own position ({@code lsn}; {@code file}, {@code pos}, {@code row}) with an
 * empty sort key: the reader of the topic gives them one. Stateless and thread-safe.
 */
public final class DebeziumReader {

    private DebeziumReader() {
    }

    /**
     * One record, its key and value parsed as JSON (maps, lists, strings, numbers).
     *
     * @return empty for a tombstone, a logical message, or a record with nothing to apply
     * @throws CdcException naming the field when the value is not a Debezium record
     */
    public static List<ReadEvent> read(Object key, Object value) {
        if (value == null) {
            return List.of();
        }
        Map<?, ?> schema = null;
        Map<?, ?> payload = map(value, "the value");
        if (payload.containsKey("payload") && payload.containsKey("schema")) {
            schema = payload.get("schema") instanceof Map<?, ?> s ? s : null;
            if (payload.get("payload") == null) {
                return List.of();
            }
            payload = map(payload.get("payload"), "payload");
        }
        if (payload.containsKey("ddl") && payload.containsKey("tableChanges")) {
            return SchemaChanges.read(payload);
        }
        if (!(payload.get("op") instanceof String op)) {
            throw new CdcException("a Debezium record needs a string field 'op' (c, u, d, r, t) but has "
                    + payload.keySet());
        }
        Map<?, ?> source = map(payload.get("source"), "source");
        TableId table = TableId.of(text(source, source.containsKey("schema") ? "schema" : "db"), text(source, "table"));
        Instant commitTime = source.get("ts_us") instanceof Number us
                ? Instant.EPOCH.plusNanos(us.longValue() * 1_000L)
                : Instant.ofEpochMilli(((Number) source.get("ts_ms")).longValue());
        Position position = Position.of(offsets(source), "");
        if (op.equals("m")) {
            return List.of();
        }
        if (op.equals("t")) {
            return List.of(new ReadEvent(ChangeEvent.truncate(table, commitTime, position), Optional.empty()));
        }
        Map<String, Map<?, ?>> fields = ConnectValues.fields(schema);
        Map<?, ?> rowSchema = fields.containsKey("after") ? fields.get("after") : fields.get("before");
        Row before = row(payload.get("before"), fields.get("before"));
        Row after = row(payload.get("after"), fields.get("after"));
        Row keyRow = key(key, before, after);
        Operation operation = switch (op) {
            case "c" -> Operation.CREATE;
            case "u" -> Operation.UPDATE;
            case "d" -> Operation.DELETE;
            case "r" -> Operation.READ;
            default -> throw new CdcException("a Debezium record's 'op' was '" + op + "'; expected c, u, d, r, t or m");
        };
        Optional<String> txid = Optional.ofNullable(source.get("txId") != null ? String.valueOf(source.get("txId"))
                : (String) source.get("gtid"));
        ChangeEvent event = new ChangeEvent(operation, table, keyRow, Optional.ofNullable(before),
                Optional.ofNullable(after), commitTime, txid, position, 0, Map.of());
        return List.of(new ReadEvent(event, Optional.ofNullable(rowSchema).map(s -> schema(table, s, key))));
    }

    private static Map<String, String> offsets(Map<?, ?> source) {
        Map<String, String> offsets = new LinkedHashMap<>();
        for (String f : List.of("lsn", "file", "pos", "row")) {
            if (source.get(f) != null) {
                offsets.put(f, String.valueOf(source.get(f)));
            }
        }
        return offsets;
    }

    private static Row row(Object json, Map<?, ?> schema) {
        if (json == null) {
            return null;
        }
        return Row.copyOf(ConnectValues.struct(json, schema));
    }

    /** The record key's columns ({@code {"id": 1}}, with or without its schema part); else the row's columns. */
    private static Row key(Object key, Row before, Row after) {
        if (key instanceof Map<?, ?> k) {
            if (k.containsKey("payload") && k.containsKey("schema")) {
                return k.get("payload") == null ? Row.empty()
                        : Row.copyOf(ConnectValues.struct(k.get("payload"), (Map<?, ?>) k.get("schema")));
            }
            return Row.copyOf(ConnectValues.struct(k, null));
        }
        return Row.empty();
    }

    private static TableSchema schema(TableId table, Map<?, ?> rowSchema, Object key) {
        List<Column> columns = new ArrayList<>();
        for (Map<?, ?> f : ConnectValues.fields(rowSchema).values()) {
            DataType type = ConnectValues.typeOf(f);
            columns.add(new Column((String) f.get("field"), type, Boolean.TRUE.equals(f.get("optional")),
                    Optional.empty(), Optional.empty()));
        }
        List<String> pk = new ArrayList<>();
        if (key instanceof Map<?, ?> k && k.get("schema") instanceof Map<?, ?> keySchema) {
            pk.addAll(ConnectValues.fields(keySchema).keySet());
        }
        List<String> names = columns.stream().map(Column::name).toList();
        pk.retainAll(names);
        return new TableSchema(table, columns, pk);
    }

    static Map<?, ?> map(Object json, String what) {
        if (json instanceof Map<?, ?> m) {
            return m;
        }
        throw new CdcException("Debezium record field '" + what + "' must be an object but was "
                + (json == null ? "missing or null" : "'" + json + "'"));
    }

    static String text(Map<?, ?> json, String field) {
        if (json.get(field) instanceof String s) {
            return s;
        }
        throw new CdcException("Debezium record field '" + field + "' must be a string but was " + json.get(field));
    }
}
