package dev.cdc.format;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of a row of a table without a primary key: a SHA-256 (64 hex digits) over the
 * table's name and the row's columns and values, in column-name order, each value as its Java
 * type and {@link JsonValues#text}. Sinks that store rows by key (Elasticsearch, Redis) use it as
 * the key of keyless rows, so a replayed insert lands on the same document and identical rows
 * collapse into one. Stateless and thread-safe.
 */
public final class RowHash {

    private RowHash() {
    }

    /** The hash of {@code row} of {@code table}; the row must hold no unchanged column. */
    public static String of(TableId table, Row row) {
        if (row.hasUnchanged()) {
            throw new IllegalArgumentException("a row of " + table + " with unchanged columns has no hash: its values"
                    + " are not all known; send full rows (PostgreSQL: REPLICA IDENTITY FULL)");
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        md.update(table.toString().getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, Object> c : new TreeMap<>(row.asMap()).entrySet()) {
            md.update((byte) 0);
            md.update(c.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 1);
            Object v = c.getValue();
            md.update(v == null ? new byte[]{2}
                    : (v.getClass().getSimpleName() + ":" + JsonValues.text(v)).getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
