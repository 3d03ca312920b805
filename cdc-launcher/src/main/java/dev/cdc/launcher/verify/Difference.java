package dev.cdc.launcher.verify;

import java.util.List;
import java.util.Objects;

/**
 * One row a sink holds differently from the source, after the re-checks.
 *
 * @param kind   missing (the source has it, the sink not), extra (the sink has it, the source not)
 *               or different (both, with other values)
 * @param id     the sink's id of the row
 * @param key    the source key, text per key column (empty when an extra id maps to no key)
 * @param fields for {@code different}: the fields whose values differ
 */
public record Difference(Kind kind, String id, List<String> key, List<String> fields) {

    /** How a row differs. */
    public enum Kind {
        MISSING, EXTRA, DIFFERENT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Difference {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        key = key.stream().map(k -> k == null ? "" : k).toList();
        fields = List.copyOf(fields);
    }
}
