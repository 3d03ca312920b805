package dev.cdc.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.Unchanged;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one value codec: writes column values and rows as JSON, exactly and losslessly (the value
 * table of {@code docs/envelope.md}). Every envelope and every sink that writes values as JSON or
 * text (Elasticsearch documents, Redis hashes and JSON strings) uses it, so a value reads the same
 * everywhere. Stateless and thread-safe; no reflection.
 */
public final class JsonValues {

    /** The exact codec: unchanged columns are left out of rows. */
    public static final JsonValues EXACT = new JsonValues(null);

    private static final com.fasterxml.jackson.core.JsonFactory TEXT_FACTORY = new com.fasterxml.jackson.core.JsonFactory();

    /** What Debezium writes for a column whose value it did not receive. */
    static final String DEBEZIUM_UNAVAILABLE = "__debezium_unavailable_value";

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the instants {@link #instant} writes itself. */
    private static final long FIRST_FOUR_DIGIT_YEAR = -62_167_219_200L;
    private static final long LAST_FOUR_DIGIT_YEAR = 253_402_300_799L;

    private static final SerializedString NAN = new SerializedString("NaN");
    private static final SerializedString POSITIVE_INFINITY = new SerializedString("Infinity");
    private static final SerializedString NEGATIVE_INFINITY = new SerializedString("-Infinity");

    /** Written in place of {@link Unchanged#VALUE}, or null to leave such columns out. */
    private final SerializableString unchangedPlaceholder;

    private JsonValues(String unchangedPlaceholder) {
        this.unchangedPlaceholder = unchangedPlaceholder == null ? null : new SerializedString(unchangedPlaceholder);
    }

    /** Leaves unchanged columns out of rows (the envelope lists them separately). */
    static JsonValues omittingUnchanged() {
        return EXACT;
    }

    /** Writes unchanged columns as Debezium's placeholder string. */
    static JsonValues withUnchangedPlaceholder(String placeholder) {
        return new JsonValues(placeholder);
    }

    /** The row as an object, or {@code null}. */
    public void writeRow(JsonGenerator g, Row row) throws IOException {
        if (row == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        writeColumns(g, row);
        g.writeEndObject();
    }

    /** The row's columns as fields of the object being written. */
    public void writeColumns(JsonGenerator g, Row row) throws IOException {
        for (Map.Entry<String, Object> e : row.asMap().entrySet()) {
            Object v = e.getValue();
            if (v == Unchanged.VALUE) {
                if (unchangedPlaceholder == null) {
                    continue;
                }
                g.writeFieldName(e.getKey());
                g.writeString(unchangedPlaceholder);
                continue;
            }
            g.writeFieldName(e.getKey());
            writeValue(g, v);
        }
    }

    /** One value, per the value table. */
    public void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof BigDecimal d) {
            g.writeString(d.toPlainString());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Short s) {
            g.writeNumber(s);
        } else if (v instanceof Byte b) {
            g.writeNumber(b.intValue());
        } else if (v instanceof Double d) {
            writeDouble(g, d);
        } else if (v instanceof Float f) {
            writeFloat(g, f);
        } else if (v instanceof byte[] bytes) {
            g.writeBinary(bytes);
        } else if (v instanceof Instant t) {
            g.writeString(instant(t));
        } else if (v instanceof LocalDateTime t) {
            g.writeString(localDateTime(t));
        } else if (v instanceof LocalDate t) {
            g.writeString(t.toString());
        } else if (v instanceof LocalTime t) {
            g.writeString(localTime(t));
        } else if (v instanceof OffsetDateTime t) {
            g.writeString(localDateTime(t.toLocalDateTime()) + t.getOffset().getId());
        } else if (v instanceof OffsetTime t) {
            g.writeString(localTime(t.toLocalTime()) + t.getOffset().getId());
        } else if (v instanceof UUID u) {
            g.writeString(u.toString());
        } else if (v instanceof Collection<?> c) {
            writeArray(g, c);
        } else if (v instanceof Map<?, ?> m) {
            writeMap(g, m);
        } else if (v.getClass().isArray()) {
            writePrimitiveOrObjectArray(g, v);
        } else if (v == Unchanged.VALUE && unchangedPlaceholder != null) {
            g.writeString(unchangedPlaceholder);
        } else {
            g.writeString(v.toString());
        }
    }

    /**
     * The text of a value as this codec writes it, without JSON quoting for a scalar: a string as
     * it is, numbers in plain notation ({@code 12.50}, {@code 9223372036854775807}), {@code true},
     * {@code NaN}, bytes in Base64, times in the ISO forms of the value table; a collection, array
     * or map as its JSON text. For keys, ids and text stores (Redis) that hold strings.
     *
     * @throws IllegalArgumentException for {@code null} and {@link Unchanged#VALUE}, which have no text
     */
    public static String text(Object v) {
        if (v instanceof String s) {
            return s;
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof Boolean || v instanceof UUID || v instanceof LocalDate) {
            return v.toString();
        } else if (v instanceof BigDecimal d) {
            return d.toPlainString();
        } else if (v instanceof Double d) {
            return Double.isFinite(d) ? d.toString() : nonFinite(d).getValue();
        } else if (v instanceof Float f) {
            return Float.isFinite(f) ? f.toString() : nonFinite(f).getValue();
        } else if (v instanceof byte[] bytes) {
            return java.util.Base64.getEncoder().encodeToString(bytes);
        } else if (v instanceof Instant t) {
            return instant(t);
        } else if (v instanceof LocalDateTime t) {
            return localDateTime(t);
        } else if (v instanceof LocalTime t) {
            return localTime(t);
        } else if (v instanceof OffsetDateTime t) {
            return localDateTime(t.toLocalDateTime()) + t.getOffset().getId();
        } else if (v instanceof OffsetTime t) {
            return localTime(t.toLocalTime()) + t.getOffset().getId();
        } else if (v == null || v == Unchanged.VALUE) {
            throw new IllegalArgumentException("'" + v + "' has no text: it is not a value");
        } else if (v instanceof Collection<?> || v instanceof Map<?, ?> || v.getClass().isArray()) {
            java.io.StringWriter out = new java.io.StringWriter();
            try (JsonGenerator g = TEXT_FACTORY.createGenerator(out)) {
                EXACT.writeValue(g, v);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out.toString();
        }
        return v.toString();
    }

    /**
     * The inverse of {@link #writeValue}: the Java value a JSON value (objects as maps, arrays as
     * lists, numbers as {@code Long}/{@code BigDecimal}) stands for in a column of {@code type}, per
     * the value table; {@code type} null keeps JSON's own kinds. Text that does not parse as its
     * type's ISO form (PostgreSQL {@code infinity}, {@code 24:00:00}) stays a {@code String}, as the
     * source delivered it.
     */
    public static Object decode(Object json, dev.cdc.api.schema.DataType type) {
        return ValueDecoder.decode(json, type);
    }

    private void writeArray(JsonGenerator g, Collection<?> values) throws IOException {
        g.writeStartArray();
        if (values instanceof List<?> list && list instanceof java.util.RandomAccess) {
            for (int i = 0, n = list.size(); i < n; i++) {
                writeValue(g, list.get(i));
            }
        } else {
            for (Object o : values) {
                writeValue(g, o);
            }
        }
        g.writeEndArray();
    }

    private void writeMap(JsonGenerator g, Map<?, ?> map) throws IOException {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            g.writeFieldName(String.valueOf(e.getKey()));
            writeValue(g, e.getValue());
        }
        g.writeEndObject();
    }

    private void writePrimitiveOrObjectArray(JsonGenerator g, Object array) throws IOException {
        g.writeStartArray();
        if (array instanceof Object[] objects) {
            for (Object o : objects) {
                writeValue(g, o);
            }
        } else if (array instanceof int[] ints) {
            for (int i : ints) {
                g.writeNumber(i);
            }
        } else if (array instanceof long[] longs) {
            for (long l : longs) {
                g.writeNumber(l);
            }
        } else if (array instanceof short[] shorts) {
            for (short s : shorts) {
                g.writeNumber(s);
            }
        } else if (array instanceof double[] doubles) {
            for (double d : doubles) {
                writeDouble(g, d);
            }
        } else if (array instanceof float[] floats) {
            for (float f : floats) {
                writeFloat(g, f);
            }
        } else if (array instanceof boolean[] booleans) {
            for (boolean b : booleans) {
                g.writeBoolean(b);
            }
        } else if (array instanceof char[] chars) {
            for (char c : chars) {
                g.writeString(String.valueOf(c));
            }
        }
        g.writeEndArray();
    }

    private static void writeDouble(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(nonFinite(d));
        }
    }

    private static void writeFloat(JsonGenerator g, float f) throws IOException {
        if (Float.isFinite(f)) {
            g.writeNumber(f);
        } else {
            g.writeString(nonFinite(f));
        }
    }

    private static SerializedString nonFinite(double d) {
        return Double.isNaN(d) ? NAN : d > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
    }

    /** {@code 2026-01-02T13:45:00.123456}: seconds always, the fraction in groups of three digits as needed. */
    static String localDateTime(LocalDateTime t) {
        StringBuilder sb = new StringBuilder(30);
        sb.append(t.toLocalDate()).append('T');
        appendTime(sb, t.toLocalTime());
        return sb.toString();
    }

    /**
     * {@code Instant.toString()} ({@code 2026-01-02T13:45:00.123456Z}), which goes through a
     * formatter whose cost showed in encoding profiles; years 0000 to 9999 are written here in the
     * same form, the others (signed years) by the JDK.
     */
    static String instant(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < FIRST_FOUR_DIGIT_YEAR || seconds > LAST_FOUR_DIGIT_YEAR) {
            return t.toString();
        }
        LocalDateTime utc = LocalDateTime.ofEpochSecond(seconds, t.getNano(), ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(30);
        appendTwoDigits(sb, utc.getYear() / 100);
        appendTwoDigits(sb, utc.getYear() % 100);
        sb.append('-');
        appendTwoDigits(sb, utc.getMonthValue());
        sb.append('-');
        appendTwoDigits(sb, utc.getDayOfMonth());
        sb.append('T');
        appendTime(sb, utc.toLocalTime());
        return sb.append('Z').toString();
    }

    /** {@code 13:45:00.123456}: seconds always, the fraction in groups of three digits as needed. */
    static String localTime(LocalTime t) {
        StringBuilder sb = new StringBuilder(18);
        appendTime(sb, t);
        return sb.toString();
    }

    private static void appendTime(StringBuilder sb, LocalTime t) {
        appendTwoDigits(sb, t.getHour());
        sb.append(':');
        appendTwoDigits(sb, t.getMinute());
        sb.append(':');
        appendTwoDigits(sb, t.getSecond());
        int nano = t.getNano();
        if (nano == 0) {
            return;
        }
        sb.append('.');
        if (nano % 1_000_000 == 0) {
            appendPadded(sb, nano / 1_000_000, 3);
        } else if (nano % 1_000 == 0) {
            appendPadded(sb, nano / 1_000, 6);
        } else {
            appendPadded(sb, nano, 9);
        }
    }

    private static void appendTwoDigits(StringBuilder sb, int v) {
        sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static void appendPadded(StringBuilder sb, int v, int width) {
        String digits = Integer.toString(v);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(digits);
    }
}
