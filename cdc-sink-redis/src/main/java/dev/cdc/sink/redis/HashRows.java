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
    private final byte[] tombstonePrefix;
    // scratch of add(), reused: the current row's field names, their texts, its NULL columns
    private final List<String> names = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private final List<String> nulls = new ArrayList<>();
    private ScriptChunk lastChunk;
    private Shape lastShape;
    private int lastShapeIndex;

    /** What many events of a chunk share: see {@link #add}. */
    private record Shape(int group, boolean merge, List<String> names, List<String> nulls) {
    }

    HashRows(RowKeys keys, RedisValues values, long ttlMillis, long tombstoneTtlMillis) {
        this.keys = keys;
        this.values = values;
        this.ttlMillis = ScriptChunk.number(ttlMillis);
        this.tombstoneTtlMillis = ScriptChunk.number(tombstoneTtlMillis);
        this.tombstonePrefix = ScriptChunk.utf8(keys.tombstonePrefix());
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
        return new byte[][]{ScriptChunk.number(bytewise ? 1 : 0), ttlMillis, tombstoneTtlMillis, tombstonePrefix};
    }

    /**
     * Per event in the chunk's packed array: a delete as {@code -table, sort key}; a change as
     * {@code shape, sort key, values} where the shape (written once per chunk) holds the table,
     * whether unchanged columns are kept (merge), and the names of the fields set and, for a
     * merge, of the NULL columns to remove. Redis then reads each column name once per chunk, not
     * once per event.
     */
    @Override
    public void add(ChangeEvent event, ScriptChunk chunk) {
        int group = keys.addKey(event, chunk);
        MsgPackWriter out = chunk.packed();
        if (event.isDelete()) {
            out.integer(-group);
            out.string(event.position().sortKey());
            return;
        }
        Row row = event.after().orElseThrow();
        // one pass: a row with an unchanged column is merged (its NULL columns are removed)
        names.clear();
        texts.clear();
        nulls.clear();
        boolean merge = false;
        for (Map.Entry<String, Object> c : row.asMap().entrySet()) {
            Object v = c.getValue();
            if (v == Unchanged.VALUE) {
                merge = true;
            } else if (v == null) {
                nulls.add(c.getKey());
            } else {
                names.add(c.getKey());
                texts.add(values.text(v));
            }
        }
        if (!merge) {
            nulls.clear();
        }
        out.integer(shape(chunk, group, merge));
        out.string(event.position().sortKey());
        for (String text : texts) {
            out.string(text);
        }
    }

    /** The shape of the row just read into names and nulls; the previous event's when it is the same. */
    private int shape(ScriptChunk chunk, int group, boolean merge) {
        Shape last = lastShape;
        if (lastChunk == chunk && last.group() == group && last.merge() == merge && last.names().equals(names)
                && last.nulls().equals(nulls)) {
            return lastShapeIndex;
        }
        Shape shape = new Shape(group, merge, List.copyOf(names), List.copyOf(nulls));
        int index = chunk.shape(shape, out -> {
            out.integer(group);
            out.integer(merge ? 1 : 0);
            out.integer(shape.names().size());
            out.integer(shape.nulls().size());
            shape.names().forEach(out::string);
            shape.nulls().forEach(out::string);
        });
        lastChunk = chunk;
        lastShape = shape;
        lastShapeIndex = index;
        return index;
    }
}
