package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cdc.format.JsonValues;

import java.io.IOException;
import java.util.Collection;

/**
 * The sink's JSON: values through cdc-format's one value codec ({@link JsonValues}: exact decimals
 * as text, bytes as Base64, ISO-8601 times, the texts of values no Java type holds as they are), and
 * a mapper that reads JSON numbers exactly ({@code 0.1000} stays {@code 0.1000}, integers of any
 * size stay whole) for the columns sent as parsed JSON ({@code column-types: object}, ...).
 * Thread-safe; holds no state besides the shared mapper.
 */
final class EsJson {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private EsJson() {
    }

    /**
     * Writes one value; with {@code rawJson} a String is JSON text sent as JSON (a column mapped to
     * object, flattened or nested), every number exactly as written.
     */
    static void write(JsonGenerator g, Object v, boolean rawJson) throws IOException {
        if (rawJson && v instanceof String s) {
            JsonNode tree;
            try {
                tree = MAPPER.readTree(s);
            } catch (IOException e) {
                throw new InvalidValueException("is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            g.writeTree(tree);
        } else if (rawJson && v instanceof Collection<?> list) {
            g.writeStartArray();
            for (Object e : list) {
                write(g, e, true);
            }
            g.writeEndArray();
        } else {
            JsonValues.EXACT.writeValue(g, v);
        }
    }

    /** The text of a scalar, as used in document ids: cdc-format's {@link JsonValues#text}. */
    static String text(Object v) {
        return JsonValues.text(v);
    }

    /** A value that cannot be written as the mapping wants it: the event is rejected, not retried. */
    static final class InvalidValueException extends RuntimeException {
        InvalidValueException(String message) {
            super(message);
        }
    }
}
