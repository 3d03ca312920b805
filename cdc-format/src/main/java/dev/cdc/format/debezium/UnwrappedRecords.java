package dev.cdc.format.debezium;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.format.EnvelopeHeaders;
import dev.cdc.format.EnvelopeRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What Debezium's {@code ExtractNewRecordState} makes of a change's records, for events the
 * {@code unwrap} transformer marked: the new row state alone as the value. With
 * {@code delete-handling: tombstone} (its {@code delete.tombstone.handling.mode=tombstone}) a delete
 * is the key with a null value and Debezium's own tombstones are dropped; with {@code rewrite} a
 * delete is the before row and every record carries {@code "__deleted"}, the string
 * {@code "true"} or {@code "false"}. Stateless.
 */
final class UnwrappedRecords {

    private UnwrappedRecords() {
    }

    /** Whether the event is written unwrapped (marked by the unwrap transformer; never a truncate). */
    static boolean applies(ChangeEvent e) {
        return e.operation() != Operation.TRUNCATE
                && EnvelopeHeaders.UNWRAPPED.equals(e.headers().get(EnvelopeHeaders.ENVELOPE));
    }

    static List<EnvelopeRecord> of(List<DebeziumRecords.Draft> drafts, ChangeEvent e, TableCodec t,
                                   DebeziumRecords records) throws IOException {
        boolean rewrite = EnvelopeHeaders.DELETE_REWRITE.equals(e.headers().get(EnvelopeHeaders.DELETE_HANDLING));
        boolean read = e.operation() == Operation.READ;
        boolean schemas = records.settings().schemasEnable();
        List<EnvelopeRecord> out = new ArrayList<>(2);
        for (DebeziumRecords.Draft d : drafts) {
            if (d.op() == null) {
                continue; // Debezium's tombstones: dropped by the SMT
            }
            byte[] key = t.hasKey() ? records.keyBytes(t, d.key(), read) : null;
            boolean delete = d.op().equals("d");
            if (delete && !rewrite) {
                out.add(new EnvelopeRecord(t.topic(), key, null, d.headers()));
                continue;
            }
            byte[] value = DebeziumRecords.bytes(g -> {
                if (schemas) {
                    g.writeStartObject();
                    g.writeFieldName("schema");
                    ConnectSchema s = t.valueSchema();
                    if (rewrite) {
                        s.field("__deleted", ConnectSchema.of("string").optional(true));
                    }
                    s.write(g, null);
                    g.writeFieldName("payload");
                }
                g.writeStartObject();
                t.writeRowFields(g, delete ? d.before() : d.after(), read);
                if (rewrite) {
                    g.writeStringField("__deleted", delete ? "true" : "false");
                }
                g.writeEndObject();
                if (schemas) {
                    g.writeEndObject();
                }
            });
            out.add(new EnvelopeRecord(t.topic(), key, value, d.headers()));
        }
        return out;
    }
}
