package dev.cdc.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fast path of {@link EnvelopeReader} for {@code cdc} row-change envelopes: one pass over the
 * JSON tokens, no tree. A row's columns are collected as two flat arrays (names, JSON values as
 * {@link JsonTree} reads them) and given their logical types, through {@link RowShape} and the one
 * value decoder, once the {@code source} block has named the schema in effect; so the values are
 * exactly those of the tree path. Whatever this path does not expect (an envelope that does not
 * begin with its {@code op}, a schema change, a field of another kind, bad JSON) makes it answer
 * {@code null}: the caller then reads the document with the tree path, which gives the same event
 * or the precise error. Stateless and thread-safe.
 */
final class EnvelopeStream {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** The last commit time read, with its text: the rows of a transaction share it. */
    private static volatile CommitTime lastCommit = new CommitTime("", Instant.EPOCH);

    private record CommitTime(String text, Instant instant) {
    }

    private EnvelopeStream() {
    }

    /** The row change the envelope holds, or null when the tree path must read it. */
    static ChangeEvent read(byte[] value, EnvelopeReader.Schemas schemas) {
        try (JsonParser p = FACTORY.createParser(value)) {
            return read(p, schemas);
        } catch (IOException | RuntimeException e) {
            return null; // the tree path reads it again and names what is wrong
        }
    }

    private static ChangeEvent read(JsonParser p, EnvelopeReader.Schemas schemas) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT || !"op".equals(p.nextFieldName())
                || p.nextToken() != JsonToken.VALUE_STRING) {
            return null;
        }
        Operation operation = operation(p.getText());
        if (operation == null) {
            return null; // a schema change, or an op the tree path rejects with its message
        }
        String table = null;
        Columns key = null;
        Columns before = null;
        Columns after = null;
        List<String> unchanged = null;
        Source source = null;
        Map<String, String> headers = Map.of();
        boolean hasKey = false;
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "table" -> table = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case "key" -> {
                    key = t == JsonToken.START_OBJECT ? Columns.read(p) : null;
                    hasKey = key != null;
                }
                case "before" -> before = rowOrNull(p, t);
                case "after" -> after = rowOrNull(p, t);
                case "unchanged" -> unchanged = t == JsonToken.START_ARRAY ? strings(p) : null;
                case "source" -> source = t == JsonToken.START_OBJECT ? Source.read(p) : null;
                case "headers" -> headers = t == JsonToken.START_OBJECT ? strings(p, new HashMap<>())
                        : t == JsonToken.VALUE_NULL ? Map.of() : null;
                default -> p.skipChildren();
            }
            if (table == null && "table".equals(field) || !hasKey && "key".equals(field) || before == Columns.BAD
                    || after == Columns.BAD || unchanged == null && "unchanged".equals(field)
                    || source == null && "source".equals(field) || headers == null) {
                return null;
            }
        }
        if (table == null || !hasKey || source == null || p.nextToken() != null) {
            return null;
        }
        TableId id = TableId.parse(table);
        RowShape shape = schemas.shape(id, source.position.sortKey(), source.version);
        Row afterRow = after == null ? null : after.row(shape);
        if (unchanged != null && afterRow != null) {
            Row.Builder b = afterRow.toBuilder();
            for (String name : unchanged) {
                if (!afterRow.has(name)) {
                    b.put(name, Unchanged.VALUE);
                }
            }
            afterRow = b.build();
        }
        return new ChangeEvent(operation, id, key.row(shape), Optional.ofNullable(before == null ? null
                : before.row(shape)), Optional.ofNullable(afterRow), source.commitTime, Optional.ofNullable(source.txid),
                source.position, source.version, headers);
    }

    private static Instant commitInstant(String text) {
        CommitTime last = lastCommit;
        if (last.text().equals(text)) {
            return last.instant();
        }
        Instant t = IsoTimes.instant(text);
        lastCommit = new CommitTime(text, t);
        return t;
    }

    private static Operation operation(String code) {
        for (Operation o : Operation.values()) {
            if (o.code().equals(code)) {
                return o;
            }
        }
        return null;
    }

    /** A row, null for JSON {@code null}, {@link Columns#BAD} for anything else. */
    private static Columns rowOrNull(JsonParser p, JsonToken t) throws IOException {
        return t == JsonToken.START_OBJECT ? Columns.read(p) : t == JsonToken.VALUE_NULL ? null : Columns.BAD;
    }

    /** An array of strings, or null when an item is not a string. */
    private static List<String> strings(JsonParser p) throws IOException {
        List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
            out.add(p.getText());
        }
        return t == JsonToken.END_ARRAY ? out : null;
    }

    /** An object of strings (in order), or null when a value is not a string. */
    private static Map<String, String> strings(JsonParser p, Map<String, String> into) throws IOException {
        String name;
        while ((name = p.nextFieldName()) != null) {
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            into.put(name, p.getText());
        }
        return into;
    }

    /** A row's columns as JSON gives them: names and values in order, types not applied yet. */
    private static final class Columns {

        static final Columns BAD = new Columns();

        private String[] names = new String[8];
        private Object[] values = new Object[8];
        private int size;

        static Columns read(JsonParser p) throws IOException {
            Columns c = new Columns();
            String name;
            while ((name = p.nextFieldName()) != null) {
                if (c.size == c.names.length) {
                    c.names = Arrays.copyOf(c.names, c.size * 2);
                    c.values = Arrays.copyOf(c.values, c.size * 2);
                }
                for (int i = 0; i < c.size; i++) {
                    if (c.names[i] == name) { // names are canonical: the same name is the same instance
                        throw new IllegalStateException("column '" + name + "' twice: read by the tree path");
                    }
                }
                c.names[c.size] = name;
                c.values[c.size++] = JsonTree.read(p, p.nextToken());
            }
            return c;
        }

        Row row(RowShape shape) {
            return shape.row(names, values, size);
        }
    }

    /** The envelope's {@code source} block, as the tree path reads it. */
    private record Source(Position position, Instant commitTime, String txid, long version) {

        /** The block, or null when a field the reader needs is missing or of another kind. */
        static Source read(JsonParser p) throws IOException {
            Map<String, String> offsets = null;
            String sortKey = null;
            String commitTs = null;
            String txid = null;
            long version = 0;
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                switch (field) {
                    case "position" -> {
                        offsets = t == JsonToken.START_OBJECT ? strings(p, new LinkedHashMap<>()) : null;
                        if (offsets == null) {
                            return null;
                        }
                    }
                    case "sort_key" -> sortKey = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "commit_ts" -> commitTs = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "txid" -> {
                        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL) {
                            return null;
                        }
                        txid = t == JsonToken.VALUE_NULL ? null : p.getText();
                    }
                    case "schema_version" -> {
                        version = t.isNumeric() ? ((Number) JsonTree.read(p, t)).longValue() : 0;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (offsets == null || sortKey == null || commitTs == null) {
                return null;
            }
            return new Source(Position.of(offsets, sortKey), commitInstant(commitTs), txid, version);
        }
    }
}
