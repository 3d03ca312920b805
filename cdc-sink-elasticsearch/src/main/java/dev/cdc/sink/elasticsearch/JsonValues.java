package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * Writes the plain Java values of a row as JSON the way the index mapping expects them: exact
 * decimals as text, bytes as Base64, dates and times in ISO-8601 with seconds always present.
 * Thread-safe; holds no state besides a shared {@link ObjectMapper}.
 */
final class JsonValues {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonValues() {
    }

    /** Writes one value; {@code rawJson} parses a String as JSON (object/flattened columns). */
    static void write(JsonGenerator g, Object v, boolean rawJson) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            if (rawJson) {
                JsonNode tree;
                try {
                    tree = MAPPER.readTree(s);
                } catch (IOException e) {
                    throw new InvalidValueException("is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
                }
                g.writeTree(tree);
            } else {
                g.writeString(s);
            }
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigDecimal d) {
            g.writeString(d.toPlainString());
        } else if (v instanceof BigInteger i) {
            g.writeString(i.toString());
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                g.writeString(d.toString());
            } else {
                g.writeNumber(d);
            }
        } else if (v instanceof Float f) {
            if (f.isNaN() || f.isInfinite()) {
                g.writeString(f.toString());
            } else {
                g.writeNumber(f);
            }
        } else if (v instanceof byte[] bytes) {
            g.writeString(Base64.getEncoder().encodeToString(bytes));
        } else if (v instanceof Collection<?> list) {
            g.writeStartArray();
            for (Object e : list) {
                write(g, e, rawJson);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue(), false);
            }
            g.writeEndObject();
        } else if (v instanceof JsonNode node) {
            g.writeTree(node);
        } else {
            g.writeString(text(v));
        }
    }

    /** The text form of a scalar, as used in document ids and for temporal values. */
    static String text(Object v) {
        if (v instanceof LocalDateTime t) {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
        } else if (v instanceof LocalTime t) {
            return DateTimeFormatter.ISO_LOCAL_TIME.format(t);
        } else if (v instanceof Instant t) {
            return DateTimeFormatter.ISO_INSTANT.format(t);
        } else if (v instanceof OffsetDateTime t) {
            return DateTimeFormatter.ISO_INSTANT.format(t.toInstant());
        } else if (v instanceof ZonedDateTime t) {
            return DateTimeFormatter.ISO_INSTANT.format(t.toInstant());
        } else if (v instanceof LocalDate d) {
            return DateTimeFormatter.ISO_LOCAL_DATE.format(d);
        } else if (v instanceof BigDecimal d) {
            return d.toPlainString();
        } else if (v instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return String.valueOf(v);
    }

    /** A value that cannot be written as the mapping wants it: the event is rejected, not retried. */
    static final class InvalidValueException extends RuntimeException {
        InvalidValueException(String message) {
            super(message);
        }
    }
}
