package dev.cdc.core.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.Unchanged;
import dev.cdc.format.JsonValues;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How a {@link LaneBatch} of row changes is written to a lane's on-disk backlog and read back,
 * exactly: values are written by the one value codec, {@link JsonValues}, and each carries a
 * one-letter type code so it comes back as the same Java type ({@code 12.50} as a BigDecimal of
 * scale 2, a {@code LocalDateTime} as one, an unchanged TOAST column as {@link Unchanged#VALUE}).
 * {@link BacklogDecoder} reads it back. A batch the codec cannot write exactly (a schema change entry, whose schema version rides along
 * as an object, or a value of a type outside the value table) is {@link Unspillable}: the backlog
 * keeps it in memory at its place in the log. Stateless and thread-safe.
 */
final class BacklogCodec {

    /** The batch cannot be written exactly; it stays in memory at its place. */
    static final class Unspillable extends Exception {
        Unspillable(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Smile, Jackson's binary JSON: the same tokens as JSON (so {@link JsonValues} writes the
     * values), without text escaping or number formatting, and with repeated field names and
     * short strings written as back-references.
     */
    static final JsonFactory FACTORY = SmileFactory.builder()
            .disable(SmileGenerator.Feature.CHECK_SHARED_STRING_VALUES).build();
    private static final JsonValues VALUES = JsonValues.EXACT;
    /** The first byte of an encoded batch: the backlog's record kind. */
    static final byte KIND = 'B';

    private BacklogCodec() {
    }

    /** A reusable buffer to encode into: its bytes are {@code array()[0, size())}. One thread at a time. */
    static final class Encoded extends ByteArrayOutputStream {
        Encoded() {
            super(64 * 1024);
        }

        byte[] array() {
            return buf;
        }
    }

    /** The batch as bytes: the kind byte {@code B}, then its Smile document. */
    static byte[] encode(LaneBatch batch) throws Unspillable {
        Encoded out = new Encoded();
        encode(batch, out);
        return out.toByteArray();
    }

    /** Writes the batch as {@link #encode(LaneBatch)} does into {@code out} (reset first): no array per batch. */
    static void encode(LaneBatch batch, Encoded out) throws Unspillable {
        for (LaneEntry e : batch.entries()) {
            if (!(e.event() instanceof ChangeEvent) || e.catchUp() || e.schemaVersion().isPresent()) {
                throw new Unspillable("a schema change");
            }
        }
        out.reset();
        out.write(KIND);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("seq", batch.lastSequence());
            writePosition(g, "pos", batch.lastPosition());
            writeInstant(g, "fct", batch.firstCommitTime());
            writeInstant(g, "enq", batch.enqueuedAt());
            ColumnLists columns = new ColumnLists();
            Scratch scratch = new Scratch();
            g.writeNumberField("n", batch.entries().size()); // the reader sizes its list once
            g.writeArrayFieldStart("entries");
            for (LaneEntry e : batch.entries()) {
                writeRow(g, (ChangeEvent) e.event(), e.sequence(), columns, scratch);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed: " + e, e);
        }
    }

    /** The batch {@link #encode} wrote (after its kind byte, {@code offset} 1). */
    static LaneBatch decode(byte[] bytes) throws IOException {
        return decode(bytes, 1, bytes.length - 1);
    }

    static LaneBatch decode(byte[] bytes, int offset, int length) throws IOException {
        return BacklogDecoder.decode(bytes, offset, length);
    }

    private static void writeRow(JsonGenerator g, ChangeEvent c, long sequence, ColumnLists columns,
                                 Scratch scratch) throws IOException, Unspillable {
        g.writeStartObject();
        g.writeNumberField("seq", sequence);
        g.writeStringField("op", c.operation().code());
        g.writeStringField("ns", c.table().namespace());
        g.writeStringField("t", c.table().name());
        writeRowField(g, "key", c.key(), columns, scratch);
        if (c.before().isPresent()) {
            writeRowField(g, "b", c.before().get(), columns, scratch);
        }
        if (c.after().isPresent()) {
            writeRowField(g, "a", c.after().get(), columns, scratch);
        }
        writeInstant(g, "ct", c.commitTime());
        if (c.transactionId().isPresent()) {
            g.writeStringField("tx", c.transactionId().get());
        }
        writePosition(g, "pos", c.position());
        g.writeNumberField("sv", c.schemaVersion());
        if (!c.headers().isEmpty()) {
            g.writeObjectFieldStart("h");
            for (Map.Entry<String, String> h : c.headers().entrySet()) {
                g.writeStringField(h.getKey(), h.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /**
     * A row as {@code {"c": index of its column list, "k": "type codes", "v": [values]}}, the column
     * list named ({@code "cn": [names]}) before {@code c} by the first row of the batch that has it;
     * absent rows are left out.
     */
    private static void writeRowField(JsonGenerator g, String field, Row row, ColumnLists columns, Scratch scratch)
            throws IOException, Unspillable {
        g.writeObjectFieldStart(field);
        int n = scratch.load(row);
        Object[] values = scratch.values;
        char[] codes = scratch.codes;
        for (int i = 0; i < n; i++) {
            codes[i] = code(values[i]);
        }
        int known = columns.lists.size();
        int list = columns.indexOf(row.columnNames());
        if (list == known) {
            g.writeArrayFieldStart("cn"); // each column list once, at its first use: later rows name it by index
            for (String name : row.columnNames().names()) {
                g.writeString(name);
            }
            g.writeEndArray();
        }
        g.writeNumberField("c", list);
        g.writeFieldName("k");
        g.writeString(codes, 0, n);
        g.writeArrayFieldStart("v");
        for (int j = 0; j < n; j++) {
            writeValue(g, values[j]);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The distinct column lists of a batch, in first-seen order; a batch has few, so a scan finds one. */
    private static final class ColumnLists {
        final List<Row.Columns> lists = new ArrayList<>();
        private Row.Columns last;
        private int lastIndex;

        int indexOf(Row.Columns c) {
            if (c == last) {
                return lastIndex;
            }
            int i = -1;
            for (int j = 0; j < lists.size() && i < 0; j++) {
                if (lists.get(j) == c) {
                    i = j; // rows of one table share their column list: found without comparing names
                }
            }
            i = i >= 0 ? i : lists.indexOf(c);
            if (i < 0) {
                i = lists.size();
                lists.add(c);
            }
            last = c;
            lastIndex = i;
            return i;
        }
    }

    /**
     * A row's values and type codes, in arrays reused across the rows of one batch; filled through
     * the row's own {@code forEach} (no iterator or copy per row).
     */
    private static final class Scratch implements java.util.function.BiConsumer<String, Object> {
        private Object[] values = new Object[16];
        private char[] codes = new char[16];
        private int n;

        /** Loads the row's values into {@link #values}; answers how many. */
        int load(Row row) {
            int size = row.size();
            if (values.length < size) {
                values = new Object[size];
                codes = new char[size];
            }
            n = 0;
            row.asMap().forEach(this);
            return n;
        }

        @Override
        public void accept(String column, Object value) {
            values[n++] = value;
        }
    }

    /**
     * A value with no type code of its own (inside a list): {@code [code, value]}; dates and times as
     * numbers (an {@code Instant} {@code [epoch second, nano]}, a {@code LocalDateTime} {@code [epoch
     * day, nano of day]}, a {@code LocalDate} its epoch day, a {@code LocalTime} its nano of day):
     * exact, and neither formatted nor parsed (text dates were a third of the codec's time); else as
     * JsonValues writes it.
     */
    private static void writeValue(JsonGenerator g, Object v) throws IOException, Unspillable {
        if (v instanceof String text) {
            g.writeString(text); // the most common value, as JsonValues writes it, without its dispatch
        } else if (v instanceof Instant t) {
            writePair(g, t.getEpochSecond(), t.getNano());
        } else if (v instanceof LocalDateTime t) {
            writePair(g, t.toLocalDate().toEpochDay(), t.toLocalTime().toNanoOfDay());
        } else if (v instanceof LocalDate t) {
            g.writeNumber(t.toEpochDay());
        } else if (v instanceof LocalTime t) {
            g.writeNumber(t.toNanoOfDay());
        } else if (v instanceof BigDecimal d) {
            g.writeString(d.toString()); // keeps a negative scale, which the plain form would lose
        } else if (v == Unchanged.VALUE) {
            g.writeNull();
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object element : list) {
                g.writeStartArray();
                g.writeString(String.valueOf(code(element)));
                writeValue(g, element);
                g.writeEndArray();
            }
            g.writeEndArray();
        } else {
            VALUES.writeValue(g, v);
        }
    }

    private static char code(Object v) throws Unspillable {
        if (v == null) {
            return '0';
        } else if (v instanceof String) {
            return 'S';
        } else if (v instanceof Long) {
            return 'J';
        } else if (v instanceof Integer) {
            return 'I';
        } else if (v instanceof Short) {
            return 'H';
        } else if (v instanceof Byte) {
            return 'Y';
        } else if (v instanceof Boolean) {
            return 'Z';
        } else if (v instanceof Double) {
            return 'D';
        } else if (v instanceof Float) {
            return 'F';
        } else if (v instanceof BigDecimal) {
            return 'N';
        } else if (v instanceof byte[]) {
            return 'b';
        } else if (v instanceof Instant) {
            return 'T';
        } else if (v instanceof LocalDateTime) {
            return 'l';
        } else if (v instanceof LocalDate) {
            return 'd';
        } else if (v instanceof LocalTime) {
            return 't';
        } else if (v instanceof OffsetDateTime) {
            return 'o';
        } else if (v instanceof OffsetTime) {
            return 'p';
        } else if (v instanceof UUID) {
            return 'U';
        } else if (v instanceof List<?>) {
            return 'L';
        } else if (v == Unchanged.VALUE) {
            return 'X';
        }
        throw new Unspillable("a value of type " + v.getClass().getName());
    }

    /** An event's own time (not a column value) as {@code [epoch second, nano]}: exact, and cheap to read back. */
    private static void writeInstant(JsonGenerator g, String field, Instant t) throws IOException {
        g.writeFieldName(field);
        writePair(g, t.getEpochSecond(), t.getNano());
    }

    private static void writePair(JsonGenerator g, long a, long b) throws IOException {
        g.writeStartArray();
        g.writeNumber(a);
        g.writeNumber(b);
        g.writeEndArray();
    }

    private static void writePosition(JsonGenerator g, String field, Position p) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("sk", p.sortKey());
        g.writeObjectFieldStart("o");
        for (Map.Entry<String, String> e : p.offsets().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }
}
