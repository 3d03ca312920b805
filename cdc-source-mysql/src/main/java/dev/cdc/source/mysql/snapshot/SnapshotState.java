package dev.cdc.source.mysql.snapshot;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How far a snapshot had come at one of its events, carried in that event's position so that a
 * checkpoint inside the snapshot is a place to resume from. The captured tables are numbered
 * in name order; those below {@code next} were started, those in {@code inProgress} are being
 * read (with the primary-key values of their last delivered row), the other started ones are
 * finished.
 *
 * <p>Offsets: {@code next}, and per table in progress {@code t.<i>} (its {@code db.name}) and
 * {@code t.<i>.key.<j>} (the j-th key column's value as text; {@code x:<hex>} for binary keys);
 * the same names as the PostgreSQL source's.
 *
 * @param seq        the event's number in the snapshot (the position's {@code row})
 * @param next       index of the first table not yet started
 * @param inProgress tables started and not finished, by index
 */
public record SnapshotState(long seq, int next, SortedMap<Integer, TableProgress> inProgress) {

    static final String NEXT = "next";
    static final String TABLE = "t.";
    static final String KEY = ".key.";

    public SnapshotState {
        inProgress = Collections.unmodifiableSortedMap(new TreeMap<>(inProgress));
    }

    /** A table in progress: its name and the key of its last delivered row (empty: none delivered yet). */
    public record TableProgress(String table, String[] keys) {
        public TableProgress {
            keys = keys.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TableProgress p && p.table.equals(table) && Arrays.equals(p.keys, keys);
        }

        @Override
        public int hashCode() {
            return table.hashCode() * 31 + Arrays.hashCode(keys);
        }

        @Override
        public String toString() {
            return table + (keys.length == 0 ? "" : " after " + Arrays.toString(keys));
        }
    }

    /** Writes this state into a position's offsets. */
    void writeTo(Map<String, String> offsets) {
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
     * Reads a snapshot position's offsets back. A position written before snapshots could resume
     * (no {@code next}) resumes nothing: the snapshot is taken again from its start.
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
    boolean finished(int index) {
        return index < next && !inProgress.containsKey(index);
    }
}
