package dev.cdc.sink.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.Unchanged;
import dev.cdc.format.JsonValues;

import java.io.IOException;

/**
 * How column values become Redis text: cdc-format's one value codec ({@link JsonValues}, the
 * encoding of {@code docs/envelope.md}), without JSON quoting for scalars. Strings as they are,
 * integers and decimals in plain notation, booleans {@code true}/{@code false}, bytes Base64,
 * times ISO-8601, the texts of values no Java type holds ({@code infinity}, {@code 0000-00-00})
 * as they are, arrays and maps as JSON.
 *
 * <p>Thread-safe: holds only immutable state.
 */
final class RedisValues {

    private static final JsonFactory JSON = new JsonFactory();

    RedisValues(String pipelineName) {
        // the encoding does not depend on the pipeline; the parameter keeps the factory's call stable
    }

    /** The text of a non-null value that is not {@link Unchanged#VALUE}. */
    String text(Object v) {
        if (v == Unchanged.VALUE) {
            throw new IllegalArgumentException("an unchanged column has no text; leave the stored value as it is");
        }
        return JsonValues.text(v);
    }

    /**
     * The row as a JSON object in the envelope's encoding, with {@code "__cdc_sort_key":"sk"} as
     * its first field; unchanged columns are left out.
     */
    byte[] jsonRow(Row row, String sortKeyField, String sortKey) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField(sortKeyField, sortKey);
            JsonValues.EXACT.writeColumns(g, row);
            g.writeEndObject();
        } catch (IOException e) {
            throw new CdcException("could not encode a row for Redis: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
