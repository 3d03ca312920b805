package dev.cdc.core.runtime;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads back what {@link BacklogCodec#encode} wrote, with a streaming parser (no tree per event):
 * each value as the Java type its code names. Stateless and thread-safe.
 */
final class BacklogDecoder {

    private BacklogDecoder() {
    }

    static LaneBatch decode(byte[] bytes, int offset, int length) throws IOException {
        try (JsonParser p = BacklogCodec.FACTORY.createParser(bytes, offset, length)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT);
            long seq = -1;
            Position pos = null;
            Instant firstCommit = null;
            Instant enqueued = null;
            List<Row.Columns> columns = new ArrayList<>();
            List<LaneEntry> entries = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "seq" -> seq = p.getLongValue();
                    case "pos" -> pos = readPosition(p);
                    case "fct" -> firstCommit = readInstant(p);
                    case "enq" -> enqueued = readInstant(p);
                    case "n" -> entries = new ArrayList<>(p.getIntValue());
                    case "entries" -> {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            entries.add(readEntry(p, columns));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            return new LaneBatch(entries, seq, pos, firstCommit, enqueued);
        }
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but found " + actual + " at " + p.currentLocation());
        }
    }

    /** One entry, its START_OBJECT read. */
    private static LaneEntry readEntry(JsonParser p, List<Row.Columns> columns) throws IOException {
        long seq = -1;
        Operation op = null;
        String ns = null;
        String table = null;
        Row key = Row.empty();
        Optional<Row> before = Optional.empty();
        Optional<Row> after = Optional.empty();
        Instant commit = null;
        Optional<String> tx = Optional.empty();
        Position pos = null;
        long schemaVersion = 0;
        Map<String, String> headers = Map.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "seq" -> seq = p.getLongValue();
                case "op" -> op = Operation.parse(p.getText());
                case "ns" -> ns = p.getText();
                case "t" -> table = p.getText();
                case "key" -> key = readRow(p, columns);
                case "b" -> before = Optional.of(readRow(p, columns));
                case "a" -> after = Optional.of(readRow(p, columns));
                case "ct" -> commit = readInstant(p);
                case "tx" -> tx = Optional.of(p.getText());
                case "pos" -> pos = readPosition(p);
                case "sv" -> schemaVersion = p.getLongValue();
                case "h" -> headers = readStrings(p);
                default -> p.skipChildren();
            }
        }
        return LaneEntry.row(new ChangeEvent(op, TableId.of(ns, table), key, before, after, commit, tx, pos,
                schemaVersion, headers), seq);
    }

    /** {@code [epoch second, nano]}, at its START_ARRAY. */
    private static Instant readInstant(JsonParser p) throws IOException {
        expect(p, p.currentToken(), JsonToken.START_ARRAY);
        p.nextToken();
        long seconds = p.getLongValue();
        p.nextToken();
        Instant t = Instant.ofEpochSecond(seconds, p.getIntValue());
        expect(p, p.nextToken(), JsonToken.END_ARRAY);
        return t;
    }

    /** {@code [epoch day, nano of day]}, at its START_ARRAY. */
    private static LocalDateTime readLocalDateTime(JsonParser p) throws IOException {
        expect(p, p.currentToken(), JsonToken.START_ARRAY);
        p.nextToken();
        LocalDate day = LocalDate.ofEpochDay(p.getLongValue());
        p.nextToken();
        LocalDateTime t = LocalDateTime.of(day, LocalTime.ofNanoOfDay(p.getLongValue()));
        expect(p, p.nextToken(), JsonToken.END_ARRAY);
        return t;
    }

    /** A row, at its START_OBJECT. */
    private static Row readRow(JsonParser p, List<Row.Columns> columns) throws IOException {
        Row.Columns names = null;
        String codes = null;
        Object[] values = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "cn" -> {
                    List<String> list = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        list.add(p.getText());
                    }
                    columns.add(Row.Columns.of(list));
                }
                case "c" -> names = columns.get(p.getIntValue());
                case "k" -> codes = p.getText();
                case "v" -> {
                    values = new Object[codes.length()];
                    for (int i = 0; i < values.length; i++) {
                        p.nextToken();
                        values[i] = read(codes.charAt(i), p);
                    }
                    expect(p, p.nextToken(), JsonToken.END_ARRAY);
                }
                default -> p.skipChildren();
            }
        }
        return Row.of(names, values);
    }

    private static Map<String, String> readStrings(JsonParser p) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            out.put(name, p.getText());
        }
        return out;
    }

    /** The value at the parser's current token, as the type {@code code} names. */
    private static Object read(char code, JsonParser p) throws IOException {
        return switch (code) {
            case '0' -> null;
            case 'S' -> p.getText();
            case 'J' -> p.getLongValue();
            case 'I' -> p.getIntValue();
            case 'H' -> (short) p.getIntValue();
            case 'Y' -> (byte) p.getIntValue();
            case 'Z' -> p.getBooleanValue();
            case 'D' -> p.currentToken() == JsonToken.VALUE_STRING ? Double.valueOf(p.getText()) : p.getDoubleValue();
            case 'F' -> Float.valueOf(p.getText());
            case 'N' -> new BigDecimal(p.getText());
            case 'b' -> p.getBinaryValue();
            case 'T' -> readInstant(p);
            case 'l' -> readLocalDateTime(p);
            case 'd' -> LocalDate.ofEpochDay(p.getLongValue());
            case 't' -> LocalTime.ofNanoOfDay(p.getLongValue());
            case 'o' -> OffsetDateTime.parse(p.getText());
            case 'p' -> OffsetTime.parse(p.getText());
            case 'U' -> UUID.fromString(p.getText());
            case 'X' -> Unchanged.VALUE;
            case 'L' -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    p.nextToken();
                    char element = p.getText().charAt(0);
                    p.nextToken();
                    list.add(read(element, p));
                    expect(p, p.nextToken(), JsonToken.END_ARRAY);
                }
                yield list;
            }
            default -> throw new IOException("unknown type code '" + code + "'");
        };
    }

    /** A position, at its START_OBJECT. */
    private static Position readPosition(JsonParser p) throws IOException {
        String sortKey = null;
        Map<String, String> offsets = Map.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("sk")) {
                sortKey = p.getText();
            } else if (field.equals("o")) {
                offsets = readStrings(p);
            } else {
                p.skipChildren();
            }
        }
        return Position.of(offsets, sortKey);
    }
}
