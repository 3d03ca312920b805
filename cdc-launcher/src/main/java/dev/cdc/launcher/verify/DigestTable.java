package dev.cdc.launcher.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * Row digests by id, in one open-addressing table of arrays (linear probing, deletion by
 * backward shift): what a scan verify holds of the sink's rows until the source's rows claim
 * them. No object per row besides its id, so a table of millions of rows costs the garbage
 * collector next to nothing (a map of entries and digest objects was copied by every young
 * collection while it grew). Grows as needed. Thread-safe (one lock).
 */
final class DigestTable {

    private static final int MAX_CAPACITY = 1 << 30;

    private String[] ids;
    private long[] digests;
    private int mask;
    private int size;

    /** A table for about {@code expected} rows without growing. */
    DigestTable(long expected) {
        int capacity = 16;
        while (capacity < MAX_CAPACITY && capacity < expected * 2) {
            capacity <<= 1;
        }
        allocate(capacity);
    }

    private void allocate(int capacity) {
        ids = new String[capacity];
        digests = new long[2 * capacity];
        mask = capacity - 1;
    }

    private int home(String id) {
        int h = id.hashCode() * 0x9e3779b9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** {@link #put} of {@code ids[0, n)} with their digests ({@code [2i]}, {@code [2i + 1]}), under one lock. */
    synchronized void putAll(String[] ids, long[] digests, int n) {
        for (int i = 0; i < n; i++) {
            put(ids[i], digests[2 * i], digests[2 * i + 1]);
        }
    }

    /**
     * {@link #take} of each id under one lock, into {@code out[2i]}, {@code out[2i + 1]};
     * {@code found[i]} says whether the table held it.
     */
    synchronized void takeAll(List<String> ids, long[] out, boolean[] found) {
        long[] one = new long[2];
        for (int i = 0; i < ids.size(); i++) {
            found[i] = take(ids.get(i), one);
            out[2 * i] = one[0];
            out[2 * i + 1] = one[1];
        }
    }

    /** Holds the digest of {@code id} (replacing one it held). */
    synchronized void put(String id, long high, long low) {
        if (size >= (mask + 1) / 2 && mask + 1 < MAX_CAPACITY) {
            grow();
        }
        int i = home(id);
        while (ids[i] != null) {
            if (ids[i].equals(id)) {
                digests[2 * i] = high;
                digests[2 * i + 1] = low;
                return;
            }
            i = (i + 1) & mask;
        }
        ids[i] = id;
        digests[2 * i] = high;
        digests[2 * i + 1] = low;
        size++;
    }

    /**
     * Takes the digest of {@code id} out of the table into {@code out[0]} (high) and {@code out[1]}
     * (low); false when the table holds no such id.
     */
    synchronized boolean take(String id, long[] out) {
        int i = home(id);
        while (ids[i] != null) {
            if (ids[i].equals(id)) {
                out[0] = digests[2 * i];
                out[1] = digests[2 * i + 1];
                remove(i);
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    /** Empties slot {@code i}, moving later entries of its probe run back so every entry stays findable. */
    private void remove(int i) {
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (ids[j] == null) {
                break;
            }
            int k = home(ids[j]);
            boolean stays = i <= j ? i < k && k <= j : i < k || k <= j;
            if (!stays) {
                ids[i] = ids[j];
                digests[2 * i] = digests[2 * j];
                digests[2 * i + 1] = digests[2 * j + 1];
                i = j;
            }
        }
        ids[i] = null;
        size--;
    }

    private void grow() {
        String[] oldIds = ids;
        long[] oldDigests = digests;
        allocate(oldIds.length * 2);
        size = 0;
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] != null) {
                put(oldIds[i], oldDigests[2 * i], oldDigests[2 * i + 1]);
            }
        }
    }

    synchronized int size() {
        return size;
    }

    /** The ids the table holds, in no particular order. */
    synchronized List<String> ids() {
        List<String> out = new ArrayList<>(size);
        for (String id : ids) {
            if (id != null) {
                out.add(id);
            }
        }
        return out;
    }
}
