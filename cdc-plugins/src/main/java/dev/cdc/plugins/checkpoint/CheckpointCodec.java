package dev.cdc.plugins.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checkpoint's JSON form, as stored by the {@code file} store and printed by the CLI:
 *
 * <pre>{@code
 * {"pipeline":"orders",
 *  "position":{"offsets":{"lsn":"23923456","tx_index":"3"},"sort_key":"00000000016d0c00-0003"},
 *  "saved_at":"2026-01-02T13:45:00.250Z",
 *  "metadata":{"events":"1042"},
 *  "format_version":1}
 * }</pre>
 *
 * Stateless and thread-safe.
 */
public final class CheckpointCodec {

    /** The version written in {@code format_version}; decoding refuses a greater one. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckpointCodec() {
    }

    /** The checkpoint as compact UTF-8 JSON. */
    public static byte[] encode(Checkpoint checkpoint) {
        try {
            return JSON.writeValueAsBytes(toTree(checkpoint));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checkpoint as indented JSON, for people. */
    public static String toPrettyJson(Checkpoint checkpoint) {
        try {
            return PRETTY.writeValueAsString(toTree(checkpoint));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode toTree(Checkpoint c) {
        ObjectNode root = JSON.createObjectNode();
        root.put("pipeline", c.pipeline());
        ObjectNode position = root.putObject("position");
        ObjectNode offsets = position.putObject("offsets");
        c.position().offsets().forEach(offsets::put);
        position.put("sort_key", c.position().sortKey());
        root.put("saved_at", c.savedAt().toString());
        ObjectNode metadata = root.putObject("metadata");
        new TreeMap<>(c.metadata()).forEach(metadata::put);
        root.put("format_version", FORMAT_VERSION);
        return root;
    }

    /**
     * Reads a checkpoint.
     *
     * @throws IllegalArgumentException saying what is wrong, when the bytes are not a checkpoint
     *                                  of a format version this code reads
     */
    public static Checkpoint decode(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("it is not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory failed", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("it is not a JSON object but "
                    + (root == null || root.isMissingNode() ? "empty" : abbreviate(new String(json, StandardCharsets.UTF_8))));
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.canConvertToInt()) {
            throw new IllegalArgumentException("field 'format_version' is missing or not an integer");
        }
        if (version.intValue() > FORMAT_VERSION || version.intValue() < 1) {
            throw new IllegalArgumentException("its format_version is " + version.intValue()
                    + " but this version of cdc reads format_version " + FORMAT_VERSION
                    + " (was it written by a newer cdc?)");
        }
        JsonNode position = object(root, "position");
        Map<String, String> offsets = strings(object(position, "offsets"), "position.offsets");
        String sortKey = text(position, "sort_key", "position.sort_key");
        String pipeline = text(root, "pipeline", "pipeline");
        String savedAtText = text(root, "saved_at", "saved_at");
        Instant savedAt;
        try {
            savedAt = Instant.parse(savedAtText);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field 'saved_at' is '" + savedAtText
                    + "' but it must be an ISO-8601 instant such as 2026-01-02T13:45:00Z", e);
        }
        JsonNode metadataNode = root.get("metadata");
        Map<String, String> metadata = metadataNode == null || metadataNode.isNull() ? Map.of()
                : strings(object(root, "metadata"), "metadata");
        return new Checkpoint(pipeline, Position.of(offsets, sortKey), savedAt, metadata);
    }

    private static JsonNode object(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("field '" + field + "' is " + (n == null ? "missing" : "not an object")
                    + " but it must be an object");
        }
        return n;
    }

    private static String text(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("field '" + path + "' is " + (n == null ? "missing" : "not a string")
                    + " but it must be a string");
        }
        return n.asText();
    }

    private static Map<String, String> strings(JsonNode object, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        var fields = object.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new IllegalArgumentException("field '" + path + "." + e.getKey() + "' is " + e.getValue()
                        + " but it must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 40 ? "'" + t + "'" : "'" + t.substring(0, 40) + "...'";
    }
}
