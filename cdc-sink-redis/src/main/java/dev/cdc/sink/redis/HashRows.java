package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.Unchanged;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mode: hash}: each row as a hash, one field per non-NULL column plus
 * {@code __cdc_sort_key}. A row without unchanged columns replaces the hash (fields of NULL or
 * dropped columns go); with unchanged columns it is merged: those keep their stored value,
 * NULL columns are removed. Used by one thread.
 */
final class HashRows implements ChunkEncoder {

    private final RowKeys keys;
    private final RedisValues values;
    private final byte[] ttlMillis;
    private final byte[] tombstoneTtlMillis;

    HashRows(RowKeys keys, RedisValues values, long ttlMillis, long tombstoneTtlMillis) {
        this.keys = keys;
        this.values = values;
        this.ttlMillis = ScriptChunk.number(ttlMillis);
        this.tombstoneTtlMillis = ScriptChunk.number(tombstoneTtlMillis);
    }

    @Override
    public String script() {
        return "rows-hash.lua";
    }

    @Override
    public boolean packed() {
        return true;
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
        // one pass: a row with an unchanged column is merged (its NULL columns are removed)
        List<byte[]> pairs = new ArrayList<>(row.size() * 2);
        List<byte[]> nulls = null;
        boolean merge = false;
        for (Map.Entry<String, Object> c : row.asMap().entrySet()) {
            Object v = c.getValue();
            if (v == Unchanged.VALUE) {
                merge = true;
            } else if (v == null) {
                if (nulls == null) {
                    nulls = new ArrayList<>();
                }
                nulls.add(ScriptChunk.utf8(c.getKey()));
            } else {
                pairs.add(ScriptChunk.utf8(c.getKey()));
                pairs.add(ScriptChunk.utf8(values.text(v)));
            }
        }
        if (!merge || nulls == null) {
            nulls = List.of();
        }
        keys.addHead(event, chunk, merge ? "m" : "u");
        chunk.arg(pairs.size());
        chunk.arg(nulls.size());
        pairs.forEach(chunk::arg);
        nulls.forEach(chunk::arg);
    }
}
