package dev.cdc.sink.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.UUID;

/**
 * How column values become Redis text: the value encoding of the JSON envelope
 * ({@code docs/envelope.md}), without JSON quoting for scalars. Strings as they are, integers
 * and decimals in plain notation, booleans {@code true}/{@code false}, bytes Base64, times
 * ISO-8601, arrays and maps as JSON. The common types are written directly; the others go
 * through cdc-format's {@link EnvelopeWriter}, so the text is exactly what the envelope holds.
 *
 * <p>Thread-safe: holds only immutable state.
 */
final class RedisValues {

    private static final JsonFactory JSON = new JsonFactory();
    /** An event only used to carry a row into {@link EnvelopeWriter#keyToBytes}. */
    private static final ChangeEvent CARRIER = ChangeEvent.truncate(TableId.of("", "_"),
            Instant.EPOCH, Position.ofSequence(0));

    private final EnvelopeWriter json;

    RedisValues(String pipelineName) {
        this.json = EnvelopeWriter.of(EnvelopeFormat.CDC, pipelineName);
    }

    /** The text of a non-null value that is not {@link Unchanged#VALUE}. */
    String text(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof Boolean || v instanceof Instant || v instanceof LocalDate || v instanceof UUID) {
            return v.toString();
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? d.toString() : nonFinite(d);
        }
        if (v instanceof Float f) {
            return Float.isFinite(f) ? f.toString() : nonFinite(f);
        }
        if (v instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v == Unchanged.VALUE) {
            throw new IllegalArgumentException("an unchanged column has no text; leave the stored value as it is");
        }
        return viaEnvelope(v);
    }

    private static String nonFinite(double d) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    }

    /** Writes {@code {"v": value}} with the envelope's encoding and takes the value back out. */
    private String viaEnvelope(Object v) {
        byte[] bytes = json.keyToBytes(carrier(Row.of("v", v)));
        try (JsonParser p = JSON.createParser(bytes)) {
            p.nextToken(); // START_OBJECT
            p.nextToken(); // FIELD_NAME v
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                StringWriter out = new StringWriter();
                try (JsonGenerator g = JSON.createGenerator(out)) {
                    g.copyCurrentStructure(p);
                }
                return out.toString();
            }
            return p.getText();
        } catch (IOException e) {
            throw new CdcException("could not encode a value of type " + v.getClass().getName() + " for Redis: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The row as a JSON object in the envelope's encoding, with {@code "__cdc_sort_key":"sk"} as
     * its first field; unchanged columns are left out.
     */
    byte[] jsonRow(Row row, String sortKeyField, String sortKey) {
        byte[] body = json.keyToBytes(carrier(row));
        byte[] head = ("{\"" + sortKeyField + "\":\"" + sortKey + "\"").getBytes(StandardCharsets.UTF_8);
        boolean empty = body.length == 2; // {}
        byte[] out = new byte[head.length + (empty ? 1 : body.length)];
        System.arraycopy(head, 0, out, 0, head.length);
        if (empty) {
            out[head.length] = '}';
        } else {
            out[head.length] = ',';
            System.arraycopy(body, 1, out, head.length + 1, body.length - 1);
        }
        return out;
    }

    /** An event whose key is {@code row}: what {@link EnvelopeWriter#keyToBytes} writes. */
    private static ChangeEvent carrier(Row row) {
        return CARRIER.withKey(row);
    }
}
