package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.TableId;

/**
 * The keys of the row modes: a row's key from the key template, its tombstone key
 * ({@code <metadata-prefix>tomb:<key>}) and its table's truncate marker
 * ({@code <metadata-prefix>truncated:<scan pattern>}). Immutable and thread-safe.
 */
final class RowKeys {

    private final KeyTemplate template;
    private final String metadataPrefix;
    private final RedisValues values;

    RowKeys(KeyTemplate template, String metadataPrefix, RedisValues values) {
        this.template = template;
        this.metadataPrefix = metadataPrefix;
        this.values = values;
    }

    /** The key of the event's row. */
    String key(ChangeEvent event) {
        return template.render(event.table(), KeyTemplate.encodeKey(event.key(), values));
    }

    String tombstone(String key) {
        return tombstonePrefix() + key;
    }

    /** The SCAN MATCH pattern of the table's keys. */
    String pattern(TableId table) {
        return template.scanPattern(table);
    }

    String truncateMarker(TableId table) {
        return metadataPrefix + "truncated:" + pattern(table);
    }

    /**
     * Adds the event to the chunk with its table's group and its key (KEYS); returns the table's
     * 1-based group index.
     */
    int addKey(ChangeEvent event, ScriptChunk chunk) {
        int group = tableGroup(event.table(), chunk);
        chunk.addEvent(event);
        chunk.key(ScriptChunk.utf8(key(event)));
        return group;
    }

    /**
     * Adds the event to the chunk with its table's group, its key and its tombstone key, and the
     * table index, operation and sort key arguments; the caller adds the mode's own arguments.
     */
    void addHead(ChangeEvent event, ScriptChunk chunk, String op) {
        int group = tableGroup(event.table(), chunk);
        String key = key(event);
        chunk.addEvent(event);
        chunk.key(ScriptChunk.utf8(key));
        chunk.key(ScriptChunk.utf8(tombstone(key)));
        chunk.arg(group);
        chunk.arg(op);
        chunk.arg(event.position().sortKey());
    }

    private int tableGroup(TableId table, ScriptChunk chunk) {
        Integer known = chunk.groupOf(table); // the marker's name is only built once per chunk
        return known != null ? known : chunk.group(table, truncateMarker(table), null);
    }

    /** What a tombstone's key starts with; the row's key follows. */
    String tombstonePrefix() {
        return metadataPrefix + "tomb:";
    }

    KeyTemplate template() {
        return template;
    }
}
