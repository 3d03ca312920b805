package dev.cdc.sink.redis;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A key or stream name template: literal text and the variables {@code ${table}}
 * ({@code namespace.name}, or {@code name} without a namespace), {@code ${namespace}},
 * {@code ${name}} and, where allowed, {@code ${key}} (the row's key, encoded by
 * {@link #encodeKey}). Immutable and thread-safe.
 */
final class KeyTemplate {

    /** One piece of a template: literal text, or a variable name. */
    private record Part(String text, boolean variable) {
    }

    private static final Set<String> TABLE_VARIABLES = Set.of("table", "namespace", "name");

    private final String template;
    private final List<Part> parts;

    private KeyTemplate(String template, List<Part> parts) {
        this.template = template;
        this.parts = parts;
    }

    /**
     * Parses a template.
     *
     * @param allowKey whether {@code ${key}} may (and must) appear
     * @throws IllegalArgumentException naming the unknown variable or the missing {@code ${key}}
     */
    static KeyTemplate parse(String template, boolean allowKey) {
        Objects.requireNonNull(template, "template");
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean hasKey = false;
        int i = 0;
        while (i < template.length()) {
            int start = template.indexOf("${", i);
            if (start < 0) {
                literal.append(template, i, template.length());
                break;
            }
            int end = template.indexOf('}', start);
            if (end < 0) {
                throw new IllegalArgumentException("was '" + template + "' but '${' at index " + start
                        + " is not closed by '}'");
            }
            literal.append(template, i, start);
            String name = template.substring(start + 2, end);
            boolean known = TABLE_VARIABLES.contains(name) || (allowKey && name.equals("key"));
            if (!known) {
                throw new IllegalArgumentException("was '" + template + "' but ${" + name + "} is not a variable;"
                        + " known: " + (allowKey ? "${table}, ${namespace}, ${name}, ${key}"
                        : "${table}, ${namespace}, ${name}"));
            }
            hasKey |= name.equals("key");
            if (!literal.isEmpty()) {
                parts.add(new Part(literal.toString(), false));
                literal.setLength(0);
            }
            parts.add(new Part(name, true));
            i = end + 1;
        }
        if (!literal.isEmpty()) {
            parts.add(new Part(literal.toString(), false));
        }
        if (allowKey && !hasKey) {
            throw new IllegalArgumentException("was '" + template + "' but it must contain ${key}, or every row of a"
                    + " table would share one key (default: ${table}:${key})");
        }
        return new KeyTemplate(template, List.copyOf(parts));
    }

    /** The key of a row of {@code table} whose encoded key is {@code key}. */
    String render(TableId table, String key) {
        StringBuilder sb = new StringBuilder(template.length() + 32);
        for (Part p : parts) {
            if (!p.variable()) {
                sb.append(p.text());
            } else {
                sb.append(variable(p.text(), table, key));
            }
        }
        return sb.toString();
    }

    /** The name for a template without {@code ${key}} (a stream). */
    String render(TableId table) {
        return render(table, "");
    }

    /**
     * A SCAN MATCH glob that matches every key this template gives rows of {@code table}: the
     * literal parts and table variables with glob characters escaped, {@code ${key}} as {@code *}.
     */
    String scanPattern(TableId table) {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p.variable() && p.text().equals("key")) {
                sb.append('*');
            } else {
                String text = p.variable() ? variable(p.text(), table, "") : p.text();
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                        sb.append('\\');
                    }
                    sb.append(c);
                }
            }
        }
        return sb.toString();
    }

    /** Whether the template names the table (${table}, ${namespace} or ${name}). */
    boolean hasTableVariable() {
        return parts.stream().anyMatch(p -> p.variable() && TABLE_VARIABLES.contains(p.text()));
    }

    private static String variable(String name, TableId table, String key) {
        return switch (name) {
            case "table" -> table.toString();
            case "namespace" -> table.namespace();
            case "name" -> table.name();
            case "key" -> key;
            default -> throw new AssertionError(name);
        };
    }

    /**
     * The key columns' values in key order, each as {@link RedisValues#text} with {@code '\'}
     * written {@code '\\'} and {@code ':'} written {@code '\:'}, joined by {@code ':'}: stable,
     * and two different keys never give the same text. A NULL key value is written as the empty text.
     */
    static String encodeKey(Row key, RedisValues values) {
        StringBuilder sb = new StringBuilder(24);
        boolean first = true;
        for (Map.Entry<String, Object> e : key.asMap().entrySet()) {
            if (!first) {
                sb.append(':');
            }
            first = false;
            Object v = e.getValue();
            String text = v == null ? "" : values.text(v);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == ':' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
