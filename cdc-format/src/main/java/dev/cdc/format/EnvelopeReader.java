package dev.cdc.format;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.format.debezium.DebeziumReader;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code cdc} envelope ({@code docs/envelope.md}) back into events: the inverse of
 * {@link EnvelopeWriter} for that format. Values get their logical types from the table's schema
 * in effect for the row ({@link Schemas}, fed by the stream's own schema-change envelopes), through
 * the one value codec ({@link JsonValues#decode}); a row whose schema is not known keeps JSON's
 * own kinds. Events keep the envelope's position, so the writer's {@code sort_key} is theirs too.
 * A row change is read in one pass over the tokens ({@link EnvelopeStream}); anything else, and
 * any envelope that pass does not expect, through a tree of the document. Stateless and
 * thread-safe.
 */
public final class EnvelopeReader {

    /** The schema of a table in effect for an event of it. */
    @FunctionalInterface
    public interface Schemas {
        /**
         * @param sortKey       the event's {@code source.sort_key}
         * @param schemaVersion the event's {@code source.schema_version} (0 when unknown)
         */
        Optional<TableSchema> at(TableId table, String sortKey, long schemaVersion);

        /**
         * The schema in effect, prepared for reading rows; implementations that serve many rows
         * keep one {@link RowShape} per schema instead of this default's new one per call.
         */
        default RowShape shape(TableId table, String sortKey, long schemaVersion) {
            return at(table, sortKey, schemaVersion).map(RowShape::of).orElse(RowShape.NONE);
        }

        /** No schema is ever known: values keep JSON's kinds. */
        Schemas NONE = (t, s, v) -> Optional.empty();
    }

    private EnvelopeReader() {
    }

    /**
     * One envelope: a {@link ChangeEvent} or a {@link SchemaChangeEvent}.
     *
     * @throws CdcException naming the field when the bytes are not a {@code cdc} envelope
     */
    public static StreamEvent read(byte[] value, Schemas schemas) {
        ChangeEvent fast = EnvelopeStream.read(value, schemas);
        return fast != null ? fast : read(parse(value), schemas);
    }

    /** The envelope read by the general tree path only (what {@link EnvelopeStream} must agree with). */
    static StreamEvent readTree(byte[] value, Schemas schemas) {
        return read(parse(value), schemas);
    }

    private static StreamEvent read(Object tree, Schemas schemas) {
        Map<?, ?> json = object(tree, "the envelope");
        String op = text(json, "op");
        TableId table = TableId.parse(text(json, "table"));
        Map<?, ?> source = object(json.get("source"), "source");
        Position position = position(source);
        Instant commitTime = IsoTimes.instant(text(source, "commit_ts"));
        if (CdcEnvelope.SCHEMA_OP.equals(op)) {
            return new SchemaChangeEvent(table, schema(table, json.get("before")), schema(table, json.get("after")),
                    List.of(), Optional.ofNullable((String) json.get("ddl")), position, commitTime);
        }
        Operation operation = operation(op);
        long version = source.get("schema_version") instanceof Number n ? n.longValue() : 0;
        RowShape shape = schemas.shape(table, position.sortKey(), version);
        Row key = shape.row(object(json.get("key"), "key"));
        Row before = rowOrNull(json.get("before"), shape, "before");
        Row after = rowOrNull(json.get("after"), shape, "after");
        if (json.get("unchanged") instanceof List<?> unchanged && after != null) {
            Row.Builder b = after.toBuilder();
            for (Object name : unchanged) {
                if (!after.has((String) name)) {
                    b.put((String) name, Unchanged.VALUE);
                }
            }
            after = b.build();
        }
        Map<String, String> headers = new HashMap<>();
        if (json.get("headers") instanceof Map<?, ?> h) {
            h.forEach((k, v) -> headers.put((String) k, (String) v));
        }
        return new ChangeEvent(operation, table, key, Optional.ofNullable(before), Optional.ofNullable(after), commitTime,
                Optional.ofNullable((String) source.get("txid")), position, version, headers);
    }

    /**
     * One message of a topic (its key and value bytes; a null value is a tombstone) in the given
     * format, or in the format its shape shows when {@code format} is null: a {@code cdc} envelope
     * has top-level {@code op} and {@code table}, anything else is read as Debezium's JSON.
     *
     * @return the events the record holds: none for a tombstone or a Debezium logical message, one
     *         for a row change, one per table for a Debezium schema-change record
     * @throws CdcException naming the field when the record is not of the format
     */
    public static List<ReadEvent> readRecord(byte[] key, byte[] value, EnvelopeFormat format, Schemas schemas) {
        if (value == null) {
            return List.of();
        }
        if (format != EnvelopeFormat.DEBEZIUM) {
            ChangeEvent fast = EnvelopeStream.read(value, schemas);
            if (fast != null) {
                return List.of(new ReadEvent(fast, Optional.empty()));
            }
        }
        Object json = parse(value);
        if (format == EnvelopeFormat.CDC || format == null && json instanceof Map<?, ?> m && isCdcEnvelope(m)) {
            return List.of(new ReadEvent(read(json, schemas), Optional.empty()));
        }
        return DebeziumReader.read(key == null ? null : parse(key), json);
    }

    /** True when the JSON document looks like a {@code cdc} envelope (top-level {@code op} and {@code table}). */
    static boolean isCdcEnvelope(Map<?, ?> json) {
        return json.get("op") instanceof String && json.get("table") instanceof String && json.containsKey("source");
    }

    static Object parse(byte[] value) {
        try {
            return JsonTree.parse(value);
        } catch (IOException e) {
            throw new CdcException("the record is not JSON: " + e.getMessage());
        }
    }

    private static Operation operation(String code) {
        for (Operation o : Operation.values()) {
            if (o.code().equals(code)) {
                return o;
            }
        }
        throw new CdcException("envelope field 'op' was '" + code + "'; expected c, u, d, r, t or schema");
    }

    private static Position position(Map<?, ?> source) {
        Map<String, String> offsets = new LinkedHashMap<>();
        object(source.get("position"), "source.position").forEach((k, v) -> offsets.put((String) k, (String) v));
        return Position.of(offsets, text(source, "sort_key"));
    }

    private static Row rowOrNull(Object json, RowShape shape, String field) {
        return json == null ? null : shape.row(object(json, field));
    }

    /** A schema of the envelope ({@code {"columns": [...], "primary_key": [...]}}) or empty for {@code null}. */
    static Optional<TableSchema> schema(TableId table, Object json) {
        if (json == null) {
            return Optional.empty();
        }
        Map<?, ?> s = object(json, "schema");
        List<Column> columns = new ArrayList<>();
        for (Object c : list(s.get("columns"), "columns")) {
            Map<?, ?> col = object(c, "column");
            Column column = new Column(text(col, "name"), DataType.parse(text(col, "type")),
                    !Boolean.FALSE.equals(col.get("nullable")), Optional.ofNullable((String) col.get("default")),
                    Optional.ofNullable((String) col.get("source_type")));
            columns.add(column);
        }
        List<String> pk = new ArrayList<>();
        for (Object k : list(s.get("primary_key"), "primary_key")) {
            pk.add((String) k);
        }
        return Optional.of(new TableSchema(table, columns, pk));
    }

    static Map<?, ?> object(Object json, String what) {
        if (json instanceof Map<?, ?> m) {
            return m;
        }
        throw new CdcException("envelope field '" + what + "' must be an object but was " + describe(json));
    }

    private static List<?> list(Object json, String what) {
        if (json instanceof List<?> l) {
            return l;
        }
        throw new CdcException("envelope field '" + what + "' must be an array but was " + describe(json));
    }

    static String text(Map<?, ?> json, String field) {
        if (json.get(field) instanceof String s) {
            return s;
        }
        throw new CdcException("envelope field '" + field + "' must be a string but was " + describe(json.get(field)));
    }

    private static String describe(Object json) {
        return json == null ? "missing or null" : json instanceof Map ? "an object" : json instanceof List ? "an array"
                : "'" + json + "'";
    }
}
