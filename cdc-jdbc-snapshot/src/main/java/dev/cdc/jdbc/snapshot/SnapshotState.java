package dev.cdc.jdbc.snapshot;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How far a snapshot had come at one of its events, carried in that event's position so that a
 * checkpoint inside the snapshot is a place to resume from. The captured tables are numbered
 * in the source's order; those below {@code next} were started, those in {@code inProgress} are
 * being read (with the primary-key values of their last delivered row), the other started ones
 * are finished.
 *
 * <p>Offsets ({@link #writeTo}): {@code next}, and per table in progress {@code t.<i>} (its
 * {@code namespace.name}) and {@code t.<i>.key.<j>} (the j-th key column's value as text). The
 * event's number ({@code seq}) is the source's to write, under its own name.
 *
 * @param seq        the event's number in the snapshot
 * @param next       index of the first table not yet started
 * @param inProgress tables started and not finished, by index
 */
public record SnapshotState(long seq, int next, SortedMap<Integer, TableProgress> inProgress) {

    public static final String NEXT = "next";
    public static final String TABLE = "t.";
    public static final String KEY = ".key.";

    public SnapshotState {
        Objects.requireNonNull(inProgress, "inProgress");
        inProgress = Collections.unmodifiableSortedMap(new TreeMap<>(inProgress));
    }

    /** Writes {@code next} and the tables in progress into a position's offsets. */
    public void writeTo(Map<String, String> offsets) {
        offsets.put(NEXT, Integer.toString(next));
        for (Map.Entry<Integer, TableProgress> e : inProgress.entrySet()) {
            String t = TABLE + e.getKey();
            offsets.put(t, e.getValue().table());
            String[] keys = e.getValue().keys();
            for (int j = 0; j < keys.length; j++) {
                offsets.put(t + KEY + j, keys[j]);
            }
        }
    }

    /**
     * Reads a snapshot position's offsets back. Offsets without {@code next} (a position written
     * before snapshots could resume) resume nothing: the snapshot is taken again from its start.
     */
    public static SnapshotState from(long seq, Map<String, String> offsets) {
        String next = offsets.get(NEXT);
        if (next == null) {
            return new SnapshotState(seq, 0, new TreeMap<>());
        }
        SortedMap<Integer, TableProgress> tables = new TreeMap<>();
        for (Map.Entry<String, String> e : offsets.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(TABLE) && k.indexOf('.', TABLE.length()) < 0) {
                int index = Integer.parseInt(k.substring(TABLE.length()));
                int n = 0;
                while (offsets.containsKey(k + KEY + n)) {
                    n++;
                }
                String[] keys = new String[n];
                for (int j = 0; j < n; j++) {
                    keys[j] = offsets.get(k + KEY + j);
                }
                tables.put(index, new TableProgress(e.getValue(), keys));
            }
        }
        return new SnapshotState(seq, Integer.parseInt(next), tables);
    }

    /** Whether the table of this index was finished. */
    public boolean finished(int index) {
        return index < next && !inProgress.containsKey(index);
    }

    /** How many of the first {@code tables} tables were finished. */
    public int countFinished(int tables) {
        int n = 0;
        for (int i = 0; i < tables; i++) {
            n += finished(i) ? 1 : 0;
        }
        return n;
    }
}
