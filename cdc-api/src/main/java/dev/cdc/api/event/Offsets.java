package dev.cdc.api.event;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The immutable offsets map of a {@link Position}: names in {@link String#compareTo} order (as a
 * {@code TreeMap} would hold them) in one array, values in another. Positions derived from one
 * another with {@link Position#withOffset} share the names array, so a source that gives every
 * event of a transaction its own position pays two small arrays per event instead of a tree.
 * Equal to any map with the same entries; null names are refused, null values kept.
 */
final class Offsets extends AbstractMap<String, String> {

    private static final Offsets EMPTY = new Offsets(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;

    private Offsets(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    /** The map itself when it is an {@code Offsets} already (immutable), else a sorted copy. */
    static Offsets copyOf(Map<String, String> map) {
        if (map instanceof Offsets o) {
            return o;
        }
        int n = map.size();
        if (n == 0) {
            return EMPTY;
        }
        @SuppressWarnings("unchecked")
        Map.Entry<String, String>[] entries = map.entrySet().toArray(new Map.Entry[0]);
        for (Map.Entry<String, String> e : entries) {
            Objects.requireNonNull(e.getKey(), "offset name");
        }
        Arrays.sort(entries, Map.Entry.comparingByKey());
        String[] names = new String[entries.length];
        String[] values = new String[entries.length];
        for (int i = 0; i < entries.length; i++) {
            names[i] = entries[i].getKey();
            values[i] = entries[i].getValue();
            if (i > 0 && names[i].equals(names[i - 1])) {
                throw new IllegalArgumentException("offset '" + names[i] + "' given twice");
            }
        }
        return new Offsets(names, values);
    }

    /** A copy with {@code name} set to {@code value}; shares the names array when the name is there already. */
    Offsets with(String name, String value) {
        Objects.requireNonNull(name, "offset name");
        int i = indexOf(name);
        if (i < 0) {
            i = Arrays.binarySearch(names, name); // not there: where it goes
        }
        if (i >= 0) {
            String[] v = values.clone();
            v[i] = value;
            return new Offsets(names, v);
        }
        int at = -i - 1;
        String[] n = new String[names.length + 1];
        String[] v = new String[names.length + 1];
        System.arraycopy(names, 0, n, 0, at);
        System.arraycopy(values, 0, v, 0, at);
        n[at] = name;
        v[at] = value;
        System.arraycopy(names, at, n, at + 1, names.length - at);
        System.arraycopy(values, at, v, at + 1, names.length - at);
        return new Offsets(n, v);
    }

    /** A copy with each {@code names[i]} set to {@code values[i]}: one values copy when every name is there. */
    Offsets with(String[] names, String[] values) {
        String[] v = null;
        for (int k = 0; k < names.length; k++) {
            int i = indexOf(Objects.requireNonNull(names[k], "offset name"));
            if (i < 0) {
                Offsets out = this;
                for (int j = 0; j < names.length; j++) {
                    out = out.with(names[j], values[j]);
                }
                return out;
            }
            if (v == null) {
                v = this.values.clone();
            }
            v[i] = values[k];
        }
        return v == null ? this : new Offsets(this.names, v);
    }

    private int indexOf(Object name) {
        if (!(name instanceof String s)) {
            return -1;
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(s)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public String get(Object name) {
        int i = indexOf(name);
        return i < 0 ? null : values[i];
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
        for (int i = 0; i < names.length; i++) {
            action.accept(names[i], values[i]);
        }
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return IndexedView.entrySet(this, names.length, i -> new SimpleImmutableEntry<>(names[i], values[i]));
    }
}
