package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.event.Position;

import java.nio.charset.StandardCharsets;
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

    /**
     * The position of the {@code i}-th event of a backfill chunk emitted at its high watermark's row
     * (at {@code watermark}, which reserved room for {@code reserved} events): after every change
     * before the row, before every change after it, and resuming after the row. The slot just
     * before the first ({@code LogReader.before} of it) is free for the table's schema change.
     */
    Position chunkPosition(Position watermark, long reserved, int i);

    /** How many chunk events a watermark row reserved room for (its {@code before_row}); 0 for other rows. */
    static long reserved(ChangeRow row) {
        if (!"w".equals(row.op()) || row.before() == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(row.before().trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

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
    /** {@code Position.sortKeyOf(high) + hex8(low)} in one string, without the intermediate ones. */
    static String sortKey(long high, long low) {
        if (high < 0 || low >>> 32 != 0) {
            return Position.sortKeyOf(high) + hex8(low);
        }
        byte[] c = new byte[24]; // hexadecimal digits: Latin-1, no char[] to compress
        for (int i = 23; i >= 0; i--) {
            long v = i >= 16 ? low >>> (4 * (23 - i)) : high >>> (4 * (15 - i));
            c[i] = (byte) Character.forDigit((int) (v & 15), 16);
        }
        return new String(c, StandardCharsets.ISO_8859_1);
    }

    static String before(String sortKey) {
        long low = Long.parseLong(sortKey.substring(sortKey.length() - 8), 16);
        return sortKey.substring(0, sortKey.length() - 8) + hex8(low - 1);
    }
}
