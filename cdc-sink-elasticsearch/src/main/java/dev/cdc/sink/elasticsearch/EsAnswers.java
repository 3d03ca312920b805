package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the answers {@link EsReadBack} gets from Elasticsearch as a stream, without building
 * trees: the documents of an {@code _mget} answer ({@code docs[]}) or of a search page
 * ({@code hits.hits[]}), each as its id, version and the byte offsets of its {@code _source} in
 * the answer, and a search answer's scroll id. Stateless.
 */
final class EsAnswers {

    private EsAnswers() {
    }

    /** One document of an answer: its id, version and the offsets of its {@code _source} in the answer. */
    @FunctionalInterface
    interface Hit {
        void found(String id, String version, int start, int end);
    }

    /** Hands an {@code _mget} answer's {@code docs[]} that have a source to {@code found}; nothing for an empty answer. */
    static void mget(byte[] answer, Hit found) throws IOException {
        if (answer.length == 0) {
            return;
        }
        try (JsonParser p = EsJson.MAPPER.getFactory().createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (!p.currentName().equals("docs") || p.nextToken() != JsonToken.START_ARRAY) {
                    p.nextToken();
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    readDoc(p, found);
                }
            }
        }
    }

    /** One {@code docs[]} entry, the parser on its START_OBJECT. */
    private static void readDoc(JsonParser p, Hit found) throws IOException {
        String id = null;
        String version = null;
        int start = -1;
        int end = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("_source") && value == JsonToken.START_OBJECT) {
                start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                end = (int) p.currentLocation().getByteOffset();
            } else if (field.equals("_id")) {
                id = p.getText();
            } else if (field.equals("_version")) {
                version = p.getText();
            } else {
                p.skipChildren();
            }
        }
        if (id != null && start >= 0) {
            found.found(id, version, start, end);
        }
    }

    /** A search answer's {@code _scroll_id} (Elasticsearch writes it first), or null. */
    static String scrollId(byte[] answer) throws IOException {
        try (JsonParser p = EsJson.MAPPER.getFactory().createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("_scroll_id")) {
                    return p.getText();
                }
                p.skipChildren();
            }
        }
        return null;
    }

    /** Hands a search answer's {@code hits.hits[]} to {@code found}; fails on an incomplete page. */
    static void hits(byte[] answer, Hit found) throws IOException {
        try (JsonParser p = EsJson.MAPPER.getFactory().createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ((field.equals("_shards") || field.equals("timed_out")) && incomplete(p, value)) {
                    throw new IOException("Elasticsearch answered a scroll page of an incomplete search (shards failed"
                            + " or timed out): " + new String(answer, 0, Math.min(answer.length, 500),
                            StandardCharsets.UTF_8));
                } else if (field.equals("hits") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        boolean hits = p.currentName().equals("hits");
                        if (p.nextToken() == JsonToken.START_ARRAY && hits) {
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                readDoc(p, found);
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    /** Whether a {@code timed_out} or {@code _shards} value says the page misses documents. */
    private static boolean incomplete(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (value != JsonToken.START_OBJECT) {
            return false;
        }
        boolean failed = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            if (f.equals("failed") && p.getValueAsLong() > 0) {
                failed = true;
            }
            p.skipChildren();
        }
        return failed;
    }
}
