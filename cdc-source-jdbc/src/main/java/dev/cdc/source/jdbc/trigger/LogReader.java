package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.event.Position;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Reads the change log in change order without ever skipping a row whose transaction commits
 * late. Positions are the reader's: each says where to resume after its row, and sort keys are
 * 16 + 8 hex digits whose 8-digit part is odd for a row and one less (even) for a schema change
 * just before that row, so a schema change never shifts the rows' keys.
 */
interface LogReader {

    /** A change-log row and its position. */
    record Item(ChangeRow row, Position position) {
    }

    /** The next rows in change order (none when there is nothing to read yet), at most {@code limit}. */
    List<Item> read(Connection connection, int limit) throws SQLException, InterruptedException;

    /** The position a schema change just before the row at {@code row} gets. */
    Position schemaPosition(Position row);

    /** Writes where streaming starts into a snapshot position's offsets (the snapshot resumes to it). */
    void writeStart(Map<String, String> offsets);

    /** The first 16 hex digits of every snapshot event's sort key: below every streamed row's. */
    String snapshotSortPrefix();

    /** The statement deleting the rows a checkpoint at {@code position} covers, and its parameters. */
    Delete covered(Position position);

    /** A delete with its parameters; {@code where} is a condition on the change log's columns. */
    record Delete(String where, List<Object> parameters) {
    }

    String OFFSET_SNAPSHOT = "snapshot";

    /** 8 hex digits. */
    static String hex8(long value) {
        String hex = Long.toHexString(value);
        return "0".repeat(Math.max(0, 8 - hex.length())) + hex;
    }

    /** The same sort key with its last 8 digits one less: the slot of a schema change just before a row. */
    /** {@code prefix + hex8(value)} in one string, without the intermediate ones. */
    static String sortKey(String prefix, long value) {
        if (value >>> 32 != 0) {
            return prefix + hex8(value);
        }
        int n = prefix.length();
        char[] c = new char[n + 8];
        prefix.getChars(0, n, c, 0);
        for (int i = n + 7; i >= n; i--) {
            c[i] = Character.forDigit((int) (value & 15), 16);
            value >>>= 4;
        }
        return new String(c);
    }

    static String before(String sortKey) {
        long low = Long.parseLong(sortKey.substring(sortKey.length() - 8), 16);
        return sortKey.substring(0, sortKey.length() - 8) + hex8(low - 1);
    }
}
