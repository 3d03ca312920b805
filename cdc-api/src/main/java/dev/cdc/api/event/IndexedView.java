package dev.cdc.api.event;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/** Unmodifiable, ordered views over element {@code 0..size-1} of arrays: for {@link Row} and {@link Offsets}. */
final class IndexedView {

    private IndexedView() {
    }

    static <T> Iterator<T> iterator(int size, IntFunction<T> at) {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public T next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                return at.apply(next++);
            }
        };
    }

    /** A set of distinct elements; {@code contains} answers membership. */
    static <T> Set<T> set(int size, IntFunction<T> at, Predicate<Object> contains) {
        return new AbstractSet<>() {
            @Override
            public Iterator<T> iterator() {
                return IndexedView.iterator(size, at);
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public boolean contains(Object o) {
                return contains.test(o);
            }
        };
    }

    /** The entry set of {@code owner}, whose i-th entry is {@code at(i)}. */
    static <K, V> Set<Map.Entry<K, V>> entrySet(Map<K, V> owner, int size, IntFunction<Map.Entry<K, V>> at) {
        return set(size, at, o -> o instanceof Map.Entry<?, ?> e && owner.containsKey(e.getKey())
                && Objects.equals(owner.get(e.getKey()), e.getValue()));
    }
}
