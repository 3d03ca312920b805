package dev.cdc.api.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * An immutable row: column names in table order, each with a plain Java value ({@code Long},
 * {@code BigDecimal}, {@code String}, {@code byte[]}, {@code LocalDate}, {@code Instant}, ...),
 * SQL NULL as {@code null}, or {@link Unchanged#VALUE} for a column the source did not send.
 */
public final class Row {

    private static final Row EMPTY = new Row(Collections.emptyMap());

    private final Map<String, Object> values;

    private Row(Map<String, Object> values) {
        this.values = values;
    }

    public static Row empty() {
        return EMPTY;
    }

    /** A row from alternating column names and values: {@code Row.of("id", 1L, "name", "a")}. */
    public static Row of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Row.of takes column names and values in pairs");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /** A copy of the map, keeping its iteration order. */
    public static Row copyOf(Map<String, ?> values) {
        Builder b = builder();
        values.forEach(b::put);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Column names in order. */
    public Set<String> columns() {
        return values.keySet();
    }

    /** The columns and their values, in order, unmodifiable; values may be null (SQL NULL). */
    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String column) {
        return values.containsKey(column);
    }

    /** The value, {@code null} for SQL NULL or an absent column. Use {@link #has} to tell apart. */
    public Object get(String column) {
        return values.get(column);
    }

    public Optional<Object> find(String column) {
        return Optional.ofNullable(values.get(column));
    }

    public boolean isUnchanged(String column) {
        return values.get(column) == Unchanged.VALUE;
    }

    /** True when some column is {@link Unchanged#VALUE}. */
    public boolean hasUnchanged() {
        return values.containsValue(Unchanged.VALUE);
    }

    public int size() {
        return values.size();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** A copy with the column set (added at the end when new). */
    public Row with(String column, Object value) {
        Builder b = toBuilder();
        b.put(column, value);
        return b.build();
    }

    /** A copy without the columns. */
    public Row without(Set<String> columns) {
        Builder b = builder();
        values.forEach((k, v) -> {
            if (!columns.contains(k)) {
                b.put(k, v);
            }
        });
        return b.build();
    }

    /** A copy holding only the columns, in the given order; absent columns are skipped. */
    public Row project(List<String> columns) {
        Builder b = builder();
        for (String c : columns) {
            if (values.containsKey(c)) {
                b.put(c, values.get(c));
            }
        }
        return b.build();
    }

    /** A copy with every value replaced by {@code f(column, value)}. */
    public Row map(BiFunction<String, Object, Object> f) {
        Builder b = builder();
        values.forEach((k, v) -> b.put(k, f.apply(k, v)));
        return b.build();
    }

    public Builder toBuilder() {
        Builder b = builder();
        values.forEach(b::put);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Row other) || other.values.size() != values.size()) {
            return false;
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (!other.values.containsKey(e.getKey()) || !valueEquals(e.getValue(), other.values.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean valueEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.equals(x, y);
        }
        return Objects.equals(a, b);
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Object v = e.getValue();
            int vh = v instanceof byte[] bytes ? java.util.Arrays.hashCode(bytes) : Objects.hashCode(v);
            h += e.getKey().hashCode() ^ vh;
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(k).append('=').append(v instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : v);
        });
        return sb.append('}').toString();
    }

    /** Builds a row; columns keep insertion order; a repeated column keeps its first place. */
    public static final class Builder {
        private LinkedHashMap<String, Object> values = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String column, Object value) {
            values.put(Objects.requireNonNull(column, "column"), value);
            return this;
        }

        public Builder remove(String column) {
            values.remove(column);
            return this;
        }

        /** The row; the builder hands its map over (no copy) and starts empty again. */
        public Row build() {
            if (values.isEmpty()) {
                return EMPTY;
            }
            Row row = new Row(Collections.unmodifiableMap(values));
            values = new LinkedHashMap<>();
            return row;
        }
    }
}
