package dev.cdc.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checkpoint's JSON form, as stored by the {@code file} and {@code kafka} checkpoint stores and printed by the CLI:
 *
 * <pre>{@code
 * {"pipeline":"orders",
 *  "position":{"offsets":{"lsn":"23923456","tx_index":"3"},"sort_key":"00000000016d0c00-0003"},
 *  "saved_at":"2026-01-02T13:45:00.250Z",
 *  "metadata":{"events":"1042"},
 *  "format_version":1}
 * }</pre>
 *
 * Stateless and thread-safe. Streams with jackson-core (cdc-format uses no databind).
 */
public final class CheckpointCodec {

    /** The version written in {@code format_version}; decoding refuses a greater one. */
    public static final int FORMAT_VERSION = 1;

    private static final JsonFactory JSON = new JsonFactory();

    private CheckpointCodec() {
    }

    /** The checkpoint as compact UTF-8 JSON. */
    public static byte[] encode(Checkpoint checkpoint) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The checkpoint as indented JSON, for people. */
    public static String toPrettyJson(Checkpoint checkpoint) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out).useDefaultPrettyPrinter()) {
            write(g, checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Checkpoint c) throws IOException {
        g.writeStartObject();
        g.writeStringField("pipeline", c.pipeline());
        g.writeObjectFieldStart("position");
        writeStrings(g, "offsets", c.position().offsets());
        g.writeStringField("sort_key", c.position().sortKey());
        g.writeEndObject();
        g.writeStringField("saved_at", c.savedAt().toString());
        writeStrings(g, "metadata", new TreeMap<>(c.metadata()));
        g.writeNumberField("format_version", FORMAT_VERSION);
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, String field, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * Reads a checkpoint.
     *
     * @throws IllegalArgumentException saying what is wrong, when the bytes are not a checkpoint
     *                                  of a format version this code reads
     */
    public static Checkpoint decode(byte[] json) {
        Object root;
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken first = p.nextToken();
            root = first == null ? null : value(p);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("it is not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory failed", e);
        }
        if (!(root instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException("it is not a JSON object but "
                    + (root == null ? "empty" : abbreviate(new String(json, StandardCharsets.UTF_8))));
        }
        Object version = object.get("format_version");
        if (!(version instanceof Long v)) {
            throw new IllegalArgumentException("field 'format_version' is missing or not an integer");
        }
        if (v > FORMAT_VERSION || v < 1) {
            throw new IllegalArgumentException("its format_version is " + v
                    + " but this version of cdc reads format_version " + FORMAT_VERSION
                    + " (was it written by a newer cdc?)");
        }
        Map<?, ?> position = object(object, "position");
        Map<String, String> offsets = strings(object(position, "offsets"), "position.offsets");
        String sortKey = text(position, "sort_key", "position.sort_key");
        String pipeline = text(object, "pipeline", "pipeline");
        String savedAtText = text(object, "saved_at", "saved_at");
        Instant savedAt;
        try {
            savedAt = Instant.parse(savedAtText);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field 'saved_at' is '" + savedAtText
                    + "' but it must be an ISO-8601 instant such as 2026-01-02T13:45:00Z", e);
        }
        Object metadataNode = object.get("metadata");
        Map<String, String> metadata = metadataNode == null ? Map.of() : strings(object(object, "metadata"), "metadata");
        return new Checkpoint(pipeline, Position.of(offsets, sortKey), savedAt, metadata);
    }

    /** The value at the parser's current token: a Map, a List, a String, a Long, a Double, a Boolean or null. */
    private static Object value(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, value(p));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            default -> {
                return null;
            }
        }
    }

    private static Map<?, ?> object(Map<?, ?> parent, String field) {
        Object n = parent.get(field);
        if (!(n instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("field '" + field + "' is " + (n == null ? "missing" : "not an object")
                    + " but it must be an object");
        }
        return map;
    }

    private static String text(Map<?, ?> parent, String field, String path) {
        Object n = parent.get(field);
        if (!(n instanceof String s)) {
            throw new IllegalArgumentException("field '" + path + "' is " + (n == null ? "missing" : "not a string")
                    + " but it must be a string");
        }
        return s;
    }

    private static Map<String, String> strings(Map<?, ?> object, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : object.entrySet()) {
            Object v = e.getValue();
            if (v == null || v instanceof Map || v instanceof List) {
                throw new IllegalArgumentException("field '" + path + "." + e.getKey() + "' is " + v
                        + " but it must be a string");
            }
            out.put((String) e.getKey(), String.valueOf(v));
        }
        return out;
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 40 ? "'" + t + "'" : "'" + t.substring(0, 40) + "...'";
    }
}
