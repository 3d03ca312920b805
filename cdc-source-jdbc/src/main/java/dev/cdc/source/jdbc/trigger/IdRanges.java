package dev.cdc.source.jdbc.trigger;

import java.util.ArrayList;
import java.util.List;

/** Sorted, disjoint ranges of change-log ids, written {@code 3-7,9-9,12-40}. Immutable. */
final class IdRanges {

    private static final IdRanges EMPTY = new IdRanges(new long[0]);

    /** from0, to0, from1, to1, ... */
    private final long[] bounds;

    private IdRanges(long[] bounds) {
        this.bounds = bounds;
    }

    static IdRanges of(List<Long> sortedIds) {
        List<Long> b = new ArrayList<>();
        for (long id : sortedIds) {
            if (!b.isEmpty() && b.get(b.size() - 1) == id - 1) {
                b.set(b.size() - 1, id);
            } else {
                b.add(id);
                b.add(id);
            }
        }
        return new IdRanges(b.stream().mapToLong(Long::longValue).toArray());
    }

    static IdRanges parse(String text) {
        if (text.isEmpty()) {
            return EMPTY;
        }
        String[] parts = text.split(",");
        long[] b = new long[parts.length * 2];
        for (int i = 0; i < parts.length; i++) {
            String[] ft = parts[i].split("-");
            b[2 * i] = Long.parseLong(ft[0]);
            b[2 * i + 1] = Long.parseLong(ft[1]);
        }
        return new IdRanges(b);
    }

    boolean isEmpty() {
        return bounds.length == 0;
    }

    boolean contains(long id) {
        return containsAll(id, id);
    }

    boolean containsAll(long from, long to) {
        for (int i = 0; i < bounds.length; i += 2) {
            if (from >= bounds[i] && to <= bounds[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** The ranges above {@code id} only. */
    IdRanges above(long id) {
        if (bounds.length == 0 || bounds[bounds.length - 1] <= id) {
            return EMPTY;
        }
        if (bounds[0] > id) {
            return this;
        }
        List<Long> b = new ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) {
            if (bounds[i + 1] > id) {
                b.add(Math.max(bounds[i], id + 1));
                b.add(bounds[i + 1]);
            }
        }
        return new IdRanges(b.stream().mapToLong(Long::longValue).toArray());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < bounds.length; i += 2) {
            if (i > 0) {
                s.append(',');
            }
            s.append(bounds[i]).append('-').append(bounds[i + 1]);
        }
        return s.toString();
    }
}
