package dev.cdc.source.mysql.binlog;

import dev.cdc.api.event.Position;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A place in the binlog: the file and offset where an event's transaction starts, the index of
 * the event within that transaction (rows counted from 1; 0 for the transaction itself, such as
 * a DDL statement), and the transaction's GTID when the server gives one.
 *
 * <p>The sort key is 16 hex digits of {@code fileNumber << 32 | offset} (binlog offsets are 32-bit
 * in the event headers) and 8 of the row index, so string order is binlog order. It has the
 * PostgreSQL source's 16 + 8 layout, which the Elasticsearch sink maps to external versions. A snapshot row sorts just before its snapshot's binlog
 * position: offset {@code pos - 1} and the snapshot row counter as the index.
 *
 * @param file   binlog file name ({@code mysql-bin.000004})
 * @param offset offset of the transaction's first event (its GTID or BEGIN)
 * @param row    the event's index in the transaction
 * @param gtid   the transaction's GTID ({@code 0-1-42} on MariaDB), when known
 * @param gtidSet the server's GTID position just before the transaction (MariaDB: one
 *               {@code domain-server-seq} per domain, comma-separated), when known: connecting
 *               with it makes the server send this transaction first again
 */
public record BinlogPosition(String file, long offset, long row, Optional<String> gtid, Optional<String> gtidSet) {

    public static final String FILE = "file";
    public static final String POS = "pos";
    public static final String ROW = "row";
    public static final String GTID = "gtid";
    public static final String GTID_SET = "gtid_set";
    /** Offset of a row: where its rows event starts (not part of the resume point; the debezium format's pos). */
    public static final String EVENT_POS = "event_pos";
    /** Offset of a row: its index in its rows event, from 0 (the debezium format's row). */
    public static final String EVENT_ROW = "event_row";
    /** Offset of a row: the server id in its event's header (the debezium format's server_id). */
    public static final String SERVER_ID = "server_id";
    /**
     * Offset marking an event placed just before a binlog place rather than at it (the TRUNCATEs of a
     * heal, see {@link #justBefore}): resuming from it starts at the place and skips nothing there.
     */
    public static final String BEFORE = "before";

    public BinlogPosition {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(gtid, "gtid");
        Objects.requireNonNull(gtidSet, "gtidSet");
        if (offset < 0 || row < 0) {
            throw new IllegalArgumentException("binlog offset and row must be >= 0 but were " + offset + ", " + row);
        }
    }

    public BinlogPosition(String file, long offset, long row, Optional<String> gtid) {
        this(file, offset, row, gtid, Optional.empty());
    }

    public static BinlogPosition of(String file, long offset) {
        return new BinlogPosition(file, offset, 0, Optional.empty());
    }

    /** This place with the GTID position in effect there. */
    public BinlogPosition withGtidSet(Optional<String> set) {
        return new BinlogPosition(file, offset, row, gtid, set);
    }

    /** The number at the end of a binlog file name: {@code mysql-bin.000004} is 4. */
    public static long fileNumber(String file) {
        int dot = file.lastIndexOf('.');
        try {
            return Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("binlog file name '" + file + "' does not end in .<number>", e);
        }
    }

    public BinlogPosition withRow(long newRow) {
        return new BinlogPosition(file, offset, newRow, gtid, gtidSet);
    }

    public String sortKey() {
        return sortKey(fileNumber(file), offset, row);
    }

    /**
     * 16 hex digits of {@code fileNumber << 32 | offset}, 8 of the row index (hand-made: String.format is slow).
     *
     * @throws IllegalArgumentException when the offset does not fit 32 bits or the file number 32 bits
     */
    public static String sortKey(long fileNumber, long offset, long row) {
        if ((offset >>> 32) != 0 || (fileNumber >>> 32) != 0 || (row >>> 32) != 0) {
            throw new IllegalArgumentException("binlog place (file " + fileNumber + ", offset " + offset + ", row " + row
                    + ") does not fit a sort key: file number, offset and row must each be below 2^32");
        }
        byte[] c = new byte[24];
        hex(c, 0, 16, fileNumber << 32 | offset);
        hex(c, 16, 8, row);
        return new String(c, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    private static void hex(byte[] out, int at, int width, long v) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = HEX[(int) (v & 15)];
            v >>>= 4;
        }
    }

    /** The engine's position, for a streamed event. */
    public Position toPosition() {
        return toPosition(fileNumber(file));
    }

    /** {@link #toPosition()} with the file's number known already (the reader keeps it per file). */
    public Position toPosition(long fileNumber) {
        String pos = Long.toString(offset);
        String r = Long.toString(row);
        Map<String, String> offsets;
        if (gtidSet.isPresent()) {
            offsets = gtid.isPresent() ? Map.of(FILE, file, POS, pos, ROW, r, GTID, gtid.get(), GTID_SET, gtidSet.get())
                    : Map.of(FILE, file, POS, pos, ROW, r, GTID_SET, gtidSet.get());
        } else {
            offsets = gtid.isPresent() ? Map.of(FILE, file, POS, pos, ROW, r, GTID, gtid.get())
                    : Map.of(FILE, file, POS, pos, ROW, r);
        }
        return Position.of(offsets, sortKey(fileNumber, offset, row));
    }

    private static final String[] ROW_NUMBERS = new String[1024];

    static {
        for (int i = 0; i < ROW_NUMBERS.length; i++) {
            ROW_NUMBERS[i] = Integer.toString(i);
        }
    }

    /**
     * The engine's position of row {@code row} of the transaction whose own position (row 0) is
     * {@code txPosition}: shares the transaction's other offsets instead of building a map per row.
     */
    public Position rowPosition(Position txPosition, long fileNumber, long row) {
        String r = row < ROW_NUMBERS.length ? ROW_NUMBERS[(int) row] : Long.toString(row);
        return txPosition.withOffset(ROW, r, sortKey(fileNumber, offset, row));
    }

    /** Binlog order of two places given as (file number, offset, row). */
    public static int compare(long fileA, long offsetA, long rowA, long fileB, long offsetB, long rowB) {
        int c = Long.compare(fileA, fileB);
        if (c == 0) {
            c = Long.compare(offsetA, offsetB);
        }
        return c != 0 ? c : Long.compare(rowA, rowB);
    }

    /**
     * The engine's position of the {@code index}-th event placed just before this place (a
     * transaction's start): its sort key is the previous byte's ({@code offset - 1}, where no
     * transaction starts), so it sorts after every event of an earlier place and before every event
     * read from this one, row 0 included; its offsets are this place's with {@link #ROW} the index
     * and {@link #BEFORE}, so that a restart from it reads from this place and skips nothing.
     */
    public Position justBefore(long index) {
        if (offset == 0) {
            throw new IllegalArgumentException("nothing sorts before offset 0 of " + file);
        }
        Map<String, String> o = new HashMap<>(withRow(index).toPosition().offsets());
        o.put(BEFORE, "true");
        return Position.of(o, sortKey(fileNumber(file), offset - 1, index));
    }

    /** Whether a position is one of {@link #justBefore}'s: nothing at its place was read yet. */
    public static boolean isJustBefore(Position p) {
        return "true".equals(p.offsets().get(BEFORE));
    }

    /** Reads back {@link #toPosition()}'s offsets. */
    public static BinlogPosition from(Position position) {
        Map<String, String> o = position.offsets();
        return new BinlogPosition(position.offset(FILE), Long.parseLong(position.offset(POS)),
                Long.parseLong(o.getOrDefault(ROW, "0")), Optional.ofNullable(o.get(GTID)),
                Optional.ofNullable(o.get(GTID_SET)).filter(s -> !s.isEmpty()));
    }

    /** True when this is at or before {@code other} in the binlog. */
    public boolean notAfter(BinlogPosition other) {
        return compare(fileNumber(file), offset, row, fileNumber(other.file), other.offset, other.row) <= 0;
    }

    @Override
    public String toString() {
        return file + ":" + offset + (row > 0 ? "#" + row : "") + gtid.map(g -> " (GTID " + g + ")").orElse("")
                + gtidSet.map(g -> " [GTID position " + g + "]").orElse("");
    }
}
