package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeRecord;
import dev.cdc.format.EnvelopeWriter;

import java.nio.charset.StandardCharsets;

/**
 * {@code mode: stream}: each event as a stream entry with the fields {@code op}, {@code table},
 * {@code key} (JSON), {@code sort_key} and {@code value} (the envelope, JSON), appended to the
 * table's stream only if its sort key is later than the last one appended there for the same
 * row key (events of one key reach the sink in source order; events of different keys need not).
 * Used by one thread.
 */
final class StreamEntries implements ChunkEncoder {

    private static final byte[] OP = ScriptChunk.utf8("op");
    private static final byte[] TABLE = ScriptChunk.utf8("table");
    private static final byte[] KEY = ScriptChunk.utf8("key");
    private static final byte[] SORT_KEY = ScriptChunk.utf8("sort_key");
    private static final byte[] VALUE = ScriptChunk.utf8("value");
    private static final byte[] NULL_KEY = ScriptChunk.utf8("null");
    static final String SCHEMA_ROW = "\\schema";

    private final KeyTemplate streams;
    private final String metadataPrefix;
    private final EnvelopeWriter envelope;
    private final RedisValues values;
    private final byte[] maxLength;

    StreamEntries(KeyTemplate streams, String metadataPrefix, EnvelopeWriter envelope, RedisValues values,
                  long maxLength) {
        this.streams = streams;
        this.values = values;
        this.metadataPrefix = metadataPrefix;
        this.envelope = envelope;
        this.maxLength = ScriptChunk.number(maxLength);
    }

    @Override
    public String script() {
        return "stream.lua";
    }

    @Override
    public byte[][] header(boolean bytewise) {
        return new byte[][]{ScriptChunk.number(bytewise ? 1 : 0), maxLength};
    }

    /** The companion hash holding, per row key, the last sort key appended to a stream. */
    String lastKey(String stream) {
        return metadataPrefix + "stream-last:" + stream;
    }

    @Override
    public void add(ChangeEvent event, ScriptChunk chunk) {
        chunk.addEvent(event);
        if (envelope.format() == EnvelopeFormat.DEBEZIUM) {
            // Debezium's records of the event (a key change is a delete and a create): one entry each,
            // tombstones left out (a stream entry needs a value)
            for (EnvelopeRecord r : envelope.records(event)) {
                if (r.value() != null) {
                    String rowKey = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    entry(event, rowKey, event.operation().code(), r.key() == null ? NULL_KEY : r.key(), r.value(),
                            chunk);
                }
            }
            return;
        }
        entry(event, KeyTemplate.encodeKey(event.key(), values), event.operation().code(), envelope.keyToBytes(event),
                envelope.toBytes(event), chunk);
    }

    /**
     * A schema change as an entry with op {@code schema}, key {@code null} and the change's
     * envelope as value. Its sort key is kept in the companion hash under {@value #SCHEMA_ROW},
     * which no row key can be (in a row key every backslash escapes a ':' or a backslash).
     */
    void addSchemaChange(SchemaChangeEvent change, ScriptChunk chunk) {
        if (envelope.format() == EnvelopeFormat.DEBEZIUM) {
            for (EnvelopeRecord r : envelope.records(change)) {
                entry(change, SCHEMA_ROW, "schema", r.key() == null ? NULL_KEY : r.key(), r.value(), chunk);
            }
            return;
        }
        entry(change, SCHEMA_ROW, "schema", NULL_KEY, envelope.toBytes(change), chunk);
    }

    private void entry(StreamEvent event, String rowKey, String op, byte[] key, byte[] value, ScriptChunk chunk) {
        String stream = streams.render(event.table());
        int group = chunk.group(stream, stream, lastKey(stream));
        chunk.arg(group);
        chunk.arg(event.position().sortKey());
        chunk.arg(rowKey);
        chunk.arg(10);
        chunk.arg(OP);
        chunk.arg(op);
        chunk.arg(TABLE);
        chunk.arg(event.table().toString());
        chunk.arg(KEY);
        chunk.arg(key);
        chunk.arg(SORT_KEY);
        chunk.arg(event.position().sortKey());
        chunk.arg(VALUE);
        chunk.arg(value);
    }
}
