package dev.cdc.source.postgres.position;

import dev.cdc.api.event.Position;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The positions of the PostgreSQL source.
 *
 * <p>A streamed event: {@code {"lsn": "<commit LSN X/X>", "index": "<n>"}}, its sort key the 16
 * hex digits of the commit LSN and the 8 hex digits of the index: the n-th event (from 0) of the
 * transaction that committed at that LSN. Never the LSN alone: a transaction holds many events,
 * and (PostgreSQL 17) a transaction's commit may share an LSN with the next one's first change.
 *
 * <p>A snapshot row: {@code {"snapshot": "true", "lsn": <the slot's consistent point>,
 * "table": <schema.name>, "table_index": <n>, "row": <n>, "key.0": ..., "key.1": ...}} where the
 * keys are the primary-key values of the row (text form). Its sort key starts with the 16 hex
 * digits of consistent point - 1, so every snapshot row sorts before every streamed event (those
 * commit at or after the consistent point), then the table's index (8 hex digits) and the row's
 * number (16 hex digits).
 */
public final class PgPosition {

    public static final String LSN = "lsn";
    public static final String INDEX = "index";
    public static final String SNAPSHOT = "snapshot";
    public static final String TABLE = "table";
    public static final String TABLE_INDEX = "table_index";
    public static final String ROW = "row";
    public static final String KEY_PREFIX = "key.";

    private PgPosition() {
    }

    /** The position of the {@code index}-th event of the transaction that committed at {@code commitLsn}. */
    public static Position stream(long commitLsn, int index) {
        return Position.of(Map.of(LSN, formatLsn(commitLsn), INDEX, Integer.toString(index)),
                Position.sortKeyOf(commitLsn) + hex8(index));
    }

    /** A snapshot row's position; {@code keys} are the text forms of its primary-key values. */
    public static Position snapshot(long consistentPoint, String table, int tableIndex, long row, String[] keys) {
        Map<String, String> offsets = new HashMap<>();
        offsets.put(SNAPSHOT, "true");
        offsets.put(LSN, formatLsn(consistentPoint));
        offsets.put(TABLE, table);
        offsets.put(TABLE_INDEX, Integer.toString(tableIndex));
        offsets.put(ROW, Long.toString(row));
        for (int i = 0; i < keys.length; i++) {
            offsets.put(KEY_PREFIX + i, keys[i]);
        }
        return Position.of(offsets, Position.sortKeyOf(Math.max(0, consistentPoint - 1)) + hex8(tableIndex)
                + Position.sortKeyOf(row));
    }

    public static boolean isSnapshot(Position p) {
        return "true".equals(p.offsets().get(SNAPSHOT));
    }

    public static long lsn(Position p) {
        return parseLsn(p.offset(LSN));
    }

    /** The event index of a streamed position. */
    public static int index(Position p) {
        return Integer.parseInt(p.offset(INDEX));
    }

    /** The key values (text) of a snapshot position, in key order. */
    public static String[] snapshotKeys(Position p) {
        int n = 0;
        while (p.offsets().containsKey(KEY_PREFIX + n)) {
            n++;
        }
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = p.offsets().get(KEY_PREFIX + i);
        }
        return keys;
    }

    public static Optional<String> snapshotTable(Position p) {
        return Optional.ofNullable(p.offsets().get(TABLE));
    }

    /** {@code X/X} as PostgreSQL writes LSNs. */
    public static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }

    public static long parseLsn(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN; expected X/X in hexadecimal");
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    private static String hex8(long value) {
        String hex = Long.toHexString(value);
        return "0".repeat(8 - hex.length()) + hex;
    }
}
