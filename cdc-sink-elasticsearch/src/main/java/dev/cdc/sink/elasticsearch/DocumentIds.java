package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.format.RowHash;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * The document id of a row: its key's values ({@link #of}), or for a table without a primary key
 * a hash of the whole row ({@link #hash}). The sink writes and the read-back reads under these
 * ids, so both must call them. Stateless.
 */
final class DocumentIds {

    private DocumentIds() {
    }

    /**
     * The document id of a key: one column's value as text; several columns as a JSON array of
     * their values in key order ({@code [1,"a"]}), which is unambiguous whatever the values hold.
     */
    static String of(Row key) {
        if (key.size() == 1) {
            Object v = key.asMap().values().iterator().next();
            if (v == null || v == Unchanged.VALUE) {
                throw new RejectedEvent("the key " + key + " has no value");
            }
            return EsJson.text(v);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = EsJson.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartArray();
                for (Object v : key.asMap().values()) {
                    if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)
                            && !(v instanceof BigDecimal)) {
                        g.writeNumber(n.longValue());
                    } else if (v == null) {
                        g.writeNull();
                    } else {
                        g.writeString(EsJson.text(v));
                    }
                }
                g.writeEndArray();
            }
            String id = out.toString(StandardCharsets.UTF_8);
            if (id.getBytes(StandardCharsets.UTF_8).length > 512) {
                throw new RejectedEvent("the document id of key " + key + " is longer than the 512 bytes"
                        + " Elasticsearch allows");
            }
            return id;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A SHA-256 (hex) over the table and the row's columns and values: cdc-format's {@link RowHash}. */
    static String hash(TableId table, Row row) {
        return RowHash.of(table, row);
    }
}
