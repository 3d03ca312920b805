package dev.cdc.api.event;

import java.util.Map;
import java.util.Objects;

/**
 * Where an event sits in its source's log, in a form the source can resume from.
 *
 * <p>{@code offsets} is the source's own description (for PostgreSQL the commit LSN and the
 * event's index in its transaction; for MySQL a GTID set or a binlog file and offset). It is
 * saved in checkpoints as it is and handed back to the source on restart, so it must hold
 * everything needed to resume exactly after this event.
 *
 * <p>{@code sortKey} orders positions of one source: for two events of the same source, the
 * later in the log has the greater key in plain {@link String#compareTo} order. Sinks use it
 * as an order guard (never overwrite a newer row with an older one). Sources make it of
 * fixed-width, zero-padded hexadecimal parts so that string order is log order. Events with no
 * order between them may share a key: the reads of one snapshot, each of a different row (the
 * jdbc-query source's do); a row's later change always has a greater key.
 *
 * <p>The offsets are held as an immutable copy in name order; equal to any map with the same
 * entries. A source that gives many events positions differing in one offset (the event's index
 * in its transaction) derives them with {@link #withOffset}, which shares the rest.
 */
public record Position(Map<String, String> offsets, String sortKey) implements Comparable<Position> {

    public Position {
        Objects.requireNonNull(offsets, "offsets");
        Objects.requireNonNull(sortKey, "sortKey");
        offsets = Offsets.copyOf(offsets);
    }

    /** A position from its offsets, with a sort key. */
    public static Position of(Map<String, String> offsets, String sortKey) {
        return new Position(offsets, sortKey);
    }

    /** The position of the {@code sequence}-th event of a source whose log is one counter. */
    public static Position ofSequence(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be >= 0 but was " + sequence);
        }
        return new Position(Map.of("sequence", Long.toString(sequence)), sortKeyOf(sequence));
    }

    /** A 16-digit zero-padded hexadecimal form of a non-negative long: string order is number order. */
    public static String sortKeyOf(long value) {
        String hex = Long.toHexString(value);
        return "0".repeat(16 - hex.length()) + hex;
    }

    /**
     * A copy with one offset set (added when new, replaced when there) and a new sort key; the other
     * offsets are shared with this position, not copied.
     */
    public Position withOffset(String name, String value, String newSortKey) {
        return new Position(((Offsets) offsets).with(name, value), newSortKey);
    }

    /**
     * A copy with several offsets set at once ({@code names[i]} to {@code values[i]}) and a new sort
     * key: one copy of the values instead of one per {@link #withOffset}; the names array is shared
     * when every name is there already.
     */
    public Position withOffsets(String[] names, String[] values, String newSortKey) {
        if (names.length != values.length) {
            throw new IllegalArgumentException(names.length + " offset names but " + values.length + " values");
        }
        return new Position(((Offsets) offsets).with(names, values), newSortKey);
    }

    public String offset(String name) {
        String v = offsets.get(name);
        if (v == null) {
            throw new IllegalArgumentException("position " + this + " has no offset '" + name + "'");
        }
        return v;
    }

    @Override
    public int compareTo(Position other) {
        return sortKey.compareTo(other.sortKey);
    }

    @Override
    public String toString() {
        return offsets.toString();
    }
}
