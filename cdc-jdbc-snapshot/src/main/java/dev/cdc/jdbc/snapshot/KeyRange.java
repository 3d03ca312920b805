package dev.cdc.jdbc.snapshot;

import java.util.Optional;

/**
 * A range of primary-key values, as text in key-column order: rows whose key is greater than
 * {@code after} (from the first row when absent) and at most {@code upTo} (to the last row when
 * absent).
 */
public record KeyRange(Optional<String[]> after, Optional<String[]> upTo) {

    public static final KeyRange ALL = new KeyRange(Optional.empty(), Optional.empty());

    public KeyRange {
        after = after.map(String[]::clone);
        upTo = upTo.map(String[]::clone);
    }

    /** Every row after this key (every row when {@code keys} is null or empty). */
    public static KeyRange after(String[] keys) {
        return new KeyRange(keys == null || keys.length == 0 ? Optional.empty() : Optional.of(keys), Optional.empty());
    }

    /** The same range with a new lower bound (exclusive). */
    public KeyRange withAfter(String[] keys) {
        return new KeyRange(Optional.of(keys), upTo);
    }
}
