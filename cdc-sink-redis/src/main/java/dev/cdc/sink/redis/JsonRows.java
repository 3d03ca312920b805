package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.Unchanged;

import java.util.Map;

/**
 * {@code mode: json}: each row as a JSON string, {@code {"__cdc_sort_key":"...", <columns>}},
 * values encoded as in the envelope. A row with unchanged columns is merged in the script: those
 * columns keep their stored JSON text exactly. Used by one thread.
 */
final class JsonRows implements ChunkEncoder {

    static final String SORT_KEY_FIELD = "__cdc_sort_key";

    private final RowKeys keys;
    private final RedisValues values;
    private final byte[] ttlMillis;
    private final byte[] tombstoneTtlMillis;

    JsonRows(RowKeys keys, RedisValues values, long ttlMillis, long tombstoneTtlMillis) {
        this.keys = keys;
        this.values = values;
        this.ttlMillis = ScriptChunk.number(ttlMillis);
        this.tombstoneTtlMillis = ScriptChunk.number(tombstoneTtlMillis);
    }

    @Override
    public String script() {
        return "rows-json.lua";
    }

    @Override
    public byte[][] header(boolean bytewise) {
        return new byte[][]{ScriptChunk.number(bytewise ? 1 : 0), ttlMillis, tombstoneTtlMillis};
    }

    @Override
    public void add(ChangeEvent event, ScriptChunk chunk) {
        if (event.isDelete()) {
            keys.addHead(event, chunk, "d");
            chunk.arg(0);
            chunk.arg(0);
            return;
        }
        Row row = event.after().orElseThrow();
        boolean merge = row.hasUnchanged();
        keys.addHead(event, chunk, merge ? "m" : "u");
        chunk.arg(1);
        int unchanged = 0;
        if (merge) {
            for (Object v : row.asMap().values()) {
                if (v == Unchanged.VALUE) {
                    unchanged++;
                }
            }
        }
        chunk.arg(unchanged);
        chunk.arg(values.jsonRow(row, SORT_KEY_FIELD, event.position().sortKey()));
        if (merge) {
            for (Map.Entry<String, Object> c : row.asMap().entrySet()) {
                if (row.isUnchanged(c.getKey())) {
                    chunk.arg(c.getKey());
                }
            }
        }
    }
}
