package dev.cdc.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Row;

import java.io.IOException;
import java.io.StringWriter;

/**
 * One value, or a row, as JSON text encoded exactly as in the envelope (the value table of
 * {@code docs/envelope.md}: decimals as strings, bytes as base64, times ISO-8601): for sinks that
 * keep a value as JSON (an array in a database without arrays) or need a row as text (a key).
 * Unchanged columns are left out of rows. Stateless and thread-safe.
 */
public final class ValueJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonValues VALUES = JsonValues.omittingUnchanged();

    private ValueJson() {
    }

    /** The value as JSON: {@code [1,2]}, {@code "12.50"}, {@code null}. */
    public static String of(Object value) {
        return write(g -> VALUES.writeValue(g, value));
    }

    /** The row as a JSON object with its columns in order: {@code {"id":1,"name":"a"}}. */
    public static String ofRow(Row row) {
        return write(g -> VALUES.writeRow(g, row));
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new CdcException("could not write a value as JSON: " + e.getMessage(), e);
        }
        return out.toString();
    }
}
