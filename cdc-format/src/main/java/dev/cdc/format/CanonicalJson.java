package dev.cdc.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One canonical text of a JSON document, for comparing what a sink would store with what it
 * stores ({@code cdc verify}): objects with their fields sorted by name (recursively), numbers
 * exactly as read (through {@link JsonTree}: {@code 1.10} stays {@code 1.10}), no white space.
 * Two documents that differ only in field order give the same text; any other difference shows.
 * Stateless and thread-safe.
 */
public final class CanonicalJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private CanonicalJson() {
    }

    /** The canonical text of a JSON object, without its top-level fields named in {@code drop}. */
    public static String of(byte[] json, Set<String> drop) {
        Object tree;
        try {
            tree = JsonTree.parse(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (tree instanceof Map<?, ?> m && !drop.isEmpty()) {
            TreeMap<String, Object> kept = new TreeMap<>();
            m.forEach((k, v) -> {
                if (!drop.contains((String) k)) {
                    kept.put((String) k, v);
                }
            });
            tree = kept;
        }
        return write(tree);
    }

    /** A top-level text field of a JSON object, when it has one. */
    public static Optional<String> field(byte[] json, String name) {
        try {
            return JsonTree.parse(json) instanceof Map<?, ?> m && m.get(name) instanceof String s
                    ? Optional.of(s) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The canonical text of a flat object of text fields (a Redis hash). */
    public static String ofTexts(Map<String, String> fields) {
        return write(new TreeMap<>(fields));
    }

    private static String write(Object tree) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                g.writeFieldName((String) e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object e : list) {
                write(g, e);
            }
            g.writeEndArray();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d.toString());
        } else {
            g.writeString(v.toString());
        }
    }
}
