package dev.cdc.api.event;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collections;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * An immutable row: column names in table order, each with a plain Java value ({@code Long},
 * {@code BigDecimal}, {@code String}, {@code byte[]}, {@code LocalDate}, {@code Instant}, ...),
 * SQL NULL as {@code null}, or {@link Unchanged#VALUE} for a column the source did not send.
 *
 * <p>A row is its {@link Columns} (the names, shareable by every row of one table shape) and an
 * array of values. A source that makes many rows of one shape makes the {@code Columns} once and
 * each row with {@link #of(Columns, Object...)}: no map per row.
 */
public final class Row {

    private static final Row EMPTY = new Row(Columns.EMPTY, new Object[0]);

    private final Columns columns;
    private final Object[] values;
    private Map<String, Object> map;

    private Row(Columns columns, Object[] values) {
        this.columns = columns;
        this.values = values;
    }

    /**
     * The column names of rows of one shape, in order: made once (for example per table), shared by
     * every row made with {@link Row#of(Columns, Object...)}. Immutable and thread-safe.
     */
    public static final class Columns {

        private static final Columns EMPTY = new Columns(new String[0]);
        /** Up to this many columns a name is found by comparing names; above, through a hash map. */
        private static final int LINEAR = 8;

        private final String[] names;
        private final Map<String, Integer> index;
        private final Set<String> set;

        private Columns(String[] names) {
            this.names = names;
            if (names.length > LINEAR) {
                Map<String, Integer> m = new HashMap<>(names.length * 2);
                for (int i = 0; i < names.length; i++) {
                    m.put(names[i], i);
                }
                this.index = m;
            } else {
                this.index = null;
            }
            this.set = IndexedView.set(names.length, i -> names[i], o -> indexOf(o) >= 0);
        }

        /** Columns of these names, in this order; the names must be distinct and not null. */
        public static Columns of(List<String> names) {
            String[] n = names.toArray(new String[0]);
            for (int i = 0; i < n.length; i++) {
                Objects.requireNonNull(n[i], "column");
                for (int j = 0; j < i; j++) {
                    if (n[j].equals(n[i])) {
                        throw new IllegalArgumentException("column '" + n[i] + "' given twice in " + names);
                    }
                }
            }
            return n.length == 0 ? EMPTY : new Columns(n);
        }

        /** The names in order. */
        public List<String> names() {
            return List.of(names);
        }

        public int size() {
            return names.length;
        }

        /** The place of the column, or -1 when there is none of that name. */
        public int indexOf(Object column) {
            if (index != null) {
                Integer i = index.get(column);
                return i == null ? -1 : i;
            }
            if (column instanceof String c) {
                for (int i = 0; i < names.length; i++) {
                    if (names[i].equals(c)) {
                        return i;
                    }
                }
            }
            return -1;
        }

        /** A row of these columns with these values (copied), in the same order. */
        public Row row(Object... values) {
            return Row.of(this, values);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Columns c && Arrays.equals(names, c.names);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(names);
        }

        @Override
        public String toString() {
            return Arrays.toString(names);
        }

    }

    /**
     * A row of {@code columns} with {@code values} in the same order (copied; values may be null for
     * SQL NULL).
     *
     * @throws IllegalArgumentException when there are not as many values as columns
     */
    public static Row of(Columns columns, Object... values) {
        if (values.length != columns.names.length) {
            throw new IllegalArgumentException("a row of columns " + columns + " needs " + columns.names.length
                    + " values but got " + values.length);
        }
        return values.length == 0 ? EMPTY : new Row(columns, values.clone());
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
        return columns.set;
    }

    /** The row's columns, shareable with rows of the same shape. */
    public Columns columnNames() {
        return columns;
    }

    /** The columns and their values, in order, unmodifiable; values may be null (SQL NULL). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = map;
        if (m == null) {
            m = new MapView();
            map = m;
        }
        return m;
    }

    public boolean has(String column) {
        return columns.indexOf(column) >= 0;
    }

    /** The value, {@code null} for SQL NULL or an absent column. Use {@link #has} to tell apart. */
    public Object get(String column) {
        int i = columns.indexOf(column);
        return i < 0 ? null : values[i];
    }

    public Optional<Object> find(String column) {
        return Optional.ofNullable(get(column));
    }

    public boolean isUnchanged(String column) {
        return get(column) == Unchanged.VALUE;
    }

    /** True when some column is {@link Unchanged#VALUE}. */
    public boolean hasUnchanged() {
        for (Object v : values) {
            if (v == Unchanged.VALUE) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return values.length;
    }

    public boolean isEmpty() {
        return values.length == 0;
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
        String[] names = this.columns.names;
        for (int i = 0; i < names.length; i++) {
            if (!columns.contains(names[i])) {
                b.put(names[i], values[i]);
            }
        }
        return b.build();
    }

    /** A copy holding only the columns, in the given order; absent columns are skipped. */
    public Row project(List<String> columns) {
        Builder b = builder();
        for (String c : columns) {
            int i = this.columns.indexOf(c);
            if (i >= 0) {
                b.put(c, values[i]);
            }
        }
        return b.build();
    }

    /** A copy with every value replaced by {@code f(column, value)}; shares this row's columns. */
    public Row map(BiFunction<String, Object, Object> f) {
        String[] names = columns.names;
        Object[] mapped = new Object[values.length];
        for (int i = 0; i < names.length; i++) {
            mapped[i] = f.apply(names[i], values[i]);
        }
        return values.length == 0 ? EMPTY : new Row(columns, mapped);
    }

    public Builder toBuilder() {
        Builder b = builder();
        String[] names = columns.names;
        for (int i = 0; i < names.length; i++) {
            b.put(names[i], values[i]);
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Row other) || other.values.length != values.length) {
            return false;
        }
        String[] names = columns.names;
        boolean sameColumns = columns == other.columns;
        for (int i = 0; i < names.length; i++) {
            int j = sameColumns ? i : other.columns.indexOf(names[i]);
            if (j < 0 || !valueEquals(values[i], other.values[j])) {
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
        String[] names = columns.names;
        for (int i = 0; i < names.length; i++) {
            Object v = values[i];
            int vh = v instanceof byte[] bytes ? Arrays.hashCode(bytes) : Objects.hashCode(v);
            h += names[i].hashCode() ^ vh;
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        String[] names = columns.names;
        for (int i = 0; i < names.length; i++) {
            Object v = values[i];
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append('=').append(v instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : v);
        }
        return sb.append('}').toString();
    }

    /** {@link #asMap()}: an unmodifiable, ordered view of the arrays. */
    private final class MapView extends AbstractMap<String, Object> {
        private Set<Entry<String, Object>> entries;
        private Collection<Object> valueView;

        @Override
        public int size() {
            return values.length;
        }

        @Override
        public boolean containsKey(Object key) {
            return columns.indexOf(key) >= 0;
        }

        @Override
        public Object get(Object key) {
            int i = columns.indexOf(key);
            return i < 0 ? null : values[i];
        }

        @Override
        public Set<String> keySet() {
            return columns.set;
        }

        @Override
        public Collection<Object> values() {
            Collection<Object> v = valueView;
            if (v == null) {
                v = Collections.unmodifiableList(Arrays.asList(values));
                valueView = v;
            }
            return v;
        }

        @Override
        public void forEach(BiConsumer<? super String, ? super Object> action) {
            String[] names = columns.names;
            for (int i = 0; i < names.length; i++) {
                action.accept(names[i], values[i]);
            }
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Set<Entry<String, Object>> e = entries;
            if (e == null) {
                e = IndexedView.entrySet(this, values.length, i -> new SimpleImmutableEntry<>(columns.names[i], values[i]));
                entries = e;
            }
            return e;
        }
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

        /** The row; the builder starts empty again. */
        public Row build() {
            if (values.isEmpty()) {
                return EMPTY;
            }
            String[] names = new String[values.size()];
            Object[] vals = new Object[names.length];
            int i = 0;
            for (Map.Entry<String, Object> e : values.entrySet()) {
                names[i] = e.getKey();
                vals[i++] = e.getValue();
            }
            values.clear();
            return new Row(new Columns(names), vals);
        }
    }
}
