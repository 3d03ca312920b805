package dev.cdc.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value that remembers where it was written: its YAML path ({@code sinks[1].port}) and
 * its 1-based line. Scalars hold their typed value ({@code null}, Boolean, Integer, Long,
 * BigInteger, Double or String) after {@code ${...}} references are resolved.
 */
sealed interface YamlValue permits YamlValue.Scalar, YamlValue.Mapping, YamlValue.Sequence {

    String path();

    int line();

    /** The value as plain Java: maps, lists and typed scalars (YAML 1.1: {@code 0x1F} is 31, {@code on} is true). */
    Object plain();

    /** Like {@link #plain()}, but scalars as written ({@code 0755} stays "0755"), for string-typed options. */
    Object plainText();

    /** Whether a {@code ${...}} reference in it could not be resolved (already reported). */
    boolean unresolved();

    /** "a mapping", "a list", "a string", ... for messages. */
    String describe();

    /**
     * @param value      the typed value
     * @param text       the text as written (after {@code ${...}} resolution); null for a null value
     * @param unresolved whether a {@code ${...}} reference in it failed (and was reported); {@code value} is then null
     */
    record Scalar(Object value, String text, String path, int line, boolean unresolved) implements YamlValue {
        @Override
        public Object plain() {
            return value;
        }

        @Override
        public Object plainText() {
            return value == null ? null : text;
        }

        @Override
        public String describe() {
            if (value == null) {
                return "empty";
            }
            return value instanceof String ? "a string" : value instanceof Boolean ? "a boolean" : "a number";
        }
    }

    /** A key of a mapping, with the line the key is on. */
    record Entry(String key, int keyLine, YamlValue value) {
    }

    /** A mapping; keys in file order. */
    record Mapping(Map<String, Entry> entries, String path, int line) implements YamlValue {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public Object plain() {
            Map<String, Object> out = new LinkedHashMap<>();
            entries.forEach((k, e) -> out.put(k, e.value().plain()));
            return Collections.unmodifiableMap(out);
        }

        @Override
        public Object plainText() {
            Map<String, Object> out = new LinkedHashMap<>();
            entries.forEach((k, e) -> out.put(k, e.value().plainText()));
            return Collections.unmodifiableMap(out);
        }

        @Override
        public boolean unresolved() {
            return entries.values().stream().anyMatch(e -> e.value().unresolved());
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(List<YamlValue> items, String path, int line) implements YamlValue {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public Object plain() {
            List<Object> out = new ArrayList<>();
            items.forEach(i -> out.add(i.plain()));
            return Collections.unmodifiableList(out);
        }

        @Override
        public Object plainText() {
            List<Object> out = new ArrayList<>();
            items.forEach(i -> out.add(i.plainText()));
            return Collections.unmodifiableList(out);
        }

        @Override
        public boolean unresolved() {
            return items.stream().anyMatch(YamlValue::unresolved);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }
}
