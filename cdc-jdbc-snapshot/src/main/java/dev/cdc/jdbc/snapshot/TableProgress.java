package dev.cdc.jdbc.snapshot;

import java.util.Arrays;
import java.util.Objects;

/**
 * A table a snapshot is reading: its name ({@code namespace.name}) and the primary-key values,
 * as text, of its last delivered row (empty: none delivered yet, or a table without a key).
 */
public record TableProgress(String table, String[] keys) {

    public TableProgress {
        Objects.requireNonNull(table, "table");
        keys = keys.clone();
    }

    @Override
    public String[] keys() {
        return keys.clone();
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
