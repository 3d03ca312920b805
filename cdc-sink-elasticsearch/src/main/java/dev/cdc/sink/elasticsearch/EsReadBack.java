package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.error.NotSupportedException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.verify.SinkReader;
import dev.cdc.api.verify.StoredRow;
import dev.cdc.format.CanonicalJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The {@code elasticsearch} sink read back for {@code cdc verify}: a row's document is what the
 * sink indexes for it (the same document id, {@link ElasticsearchSink#documentId}; the same JSON,
 * {@link EsJson#write} with the same {@code column-types}), at the index the {@code index}
 * template names (its alias); stored documents are read with {@code _mget} (real time, so a
 * document written a moment ago counts), their sources as the raw text Elasticsearch keeps, and
 * the ids of a table with a {@code _doc}-sorted scroll. The texts are compared as they are (what
 * the sink sends is what Elasticsearch stores), and a pair that differs only in field order or
 * white space (a document merged from unchanged columns) is equal by {@link #sameRow}. Used by
 * one thread.
 */
final class EsReadBack implements SinkReader {

    private static final int SCROLL_SIZE = 5000;
    /** Requests a chunk's documents are read with at once, each of at least {@link #MIN_PART} ids. */
    private static final int PARALLEL = 2;
    private static final int MIN_PART = 250;

    private final EsClient.Settings settings;
    private final IndexNames names;
    private final FieldMappings mappings;
    private final String instanceName;
    private EsClient client;
    private final ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
        Thread t = new Thread(r, "cdc-verify-es");
        t.setDaemon(true);
        return t;
    });

    EsReadBack(EsClient.Settings settings, IndexNames names, FieldMappings mappings, String instanceName) {
        if (names.dependsOnTime()) {
            throw new NotSupportedException("sink", instanceName, "verify with an index template that has"
                    + " ${commit_date} (a table's rows are spread over indexes by commit time, which a row read back"
                    + " from the source does not have)");
        }
        this.settings = settings;
        this.names = names;
        this.mappings = mappings;
        this.instanceName = instanceName;
    }

    @Override
    public void open() {
        client = EsClient.connect(settings);
        client.send("GET", "/_cluster/health", null, false);
    }

    private String index(TableId table) {
        return names.of(table, Instant.EPOCH);
    }

    @Override
    public String id(ChangeEvent row) {
        return ElasticsearchSink.documentId(row.key());
    }

    /**
     * The document text the sink sends for the row: its columns in order, each value through
     * {@link EsJson#write} with the column's {@code column-types}. Elasticsearch keeps a document's
     * source as sent, so an unchanged document reads back as exactly these bytes.
     */
    @Override
    public String expected(ChangeEvent row) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = EsJson.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> c : row.after().orElseThrow().asMap().entrySet()) {
                g.writeFieldName(c.getKey());
                EsJson.write(g, c.getValue(), mappings.override(row.table(), c.getKey())
                        .map(FieldMappings::isJsonType).orElse(false));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (EsJson.InvalidValueException e) {
            return "(the sink rejects this row: " + e.getMessage() + ")";
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The stored sources, read from the {@code _mget} answer as a stream: each {@code _source} as its raw text. */
    @Override
    public Map<String, StoredRow> stored(TableId table, Collection<String> ids) throws IOException {
        Map<String, StoredRow> found = new HashMap<>(ids.size() * 2);
        if (ids.isEmpty()) {
            return found;
        }
        List<String> all = new ArrayList<>(ids);
        int parts = all.size() >= 2 * MIN_PART ? PARALLEL : 1;
        List<Future<byte[]>> answers = new ArrayList<>(parts);
        int per = (all.size() + parts - 1) / parts;
        for (int from = 0; from < all.size(); from += per) {
            List<String> part = all.subList(from, Math.min(all.size(), from + per));
            answers.add(pool.submit(() -> mget(table, part)));
        }
        for (Future<byte[]> answer : answers) {
            byte[] bytes;
            try {
                bytes = answer.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading documents", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IOException(e.getCause());
            }
            parse(bytes, found);
        }
        return found;
    }

    /** The raw {@code _mget} answer for these ids; empty when the index does not exist. */
    private byte[] mget(TableId table, List<String> ids) {
        ObjectNode body = EsJson.MAPPER.createObjectNode();
        var array = body.putArray("ids");
        ids.forEach(array::add);
        try {
            return client.raw("POST", "/" + index(table) + "/_mget", body.toString());
        } catch (EsClient.EsRequestException e) {
            if (e.status() == 404) {
                return new byte[0]; // no index: nothing stored
            }
            throw e;
        }
    }

    private static void parse(byte[] answer, Map<String, StoredRow> found) throws IOException {
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
                    readDoc(p, answer, found);
                }
            }
        }
    }

    /** One {@code docs[]} entry, the parser on its START_OBJECT. */
    private static void readDoc(JsonParser p, byte[] answer, Map<String, StoredRow> found) throws IOException {
        String id = null;
        String version = null;
        String source = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("_source") && value == JsonToken.START_OBJECT) {
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getByteOffset();
                source = new String(answer, start, end - start, StandardCharsets.UTF_8);
            } else if (field.equals("_id")) {
                id = p.getText();
            } else if (field.equals("_version")) {
                version = p.getText();
            } else {
                p.skipChildren();
            }
        }
        if (id != null && source != null) {
            found.put(id, new StoredRow(id, source, Optional.ofNullable(version)));
        }
    }

    @Override
    public boolean sameRow(String expected, String stored) {
        return CanonicalJson.of(expected.getBytes(StandardCharsets.UTF_8), Set.of())
                .equals(CanonicalJson.of(stored.getBytes(StandardCharsets.UTF_8), Set.of()));
    }

    @Override
    public OptionalLong count(TableId table) {
        String index = index(table);
        EsClient.Reply refreshed = client.send("POST", "/" + index + "/_refresh", null, true);
        if (refreshed.status() == 404) {
            return OptionalLong.of(0);
        }
        return OptionalLong.of(client.json("GET", "/" + index + "/_count", null).path("count").asLong());
    }

    /** {@link #id} and {@link #expected} read only immutable settings and the thread-safe JSON factory. */
    @Override
    public boolean encodesConcurrently() {
        return true;
    }

    @Override
    public boolean canScan() {
        return true;
    }

    /** A {@code _doc}-sorted scroll with the sources, each read as its raw text. */
    @Override
    public void scan(TableId table, Consumer<List<StoredRow>> batch) throws IOException {
        String index = index(table);
        byte[] page;
        try {
            page = client.raw("POST", "/" + index + "/_search?scroll=1m", "{\"size\":" + SCROLL_SIZE
                    + ",\"sort\":[\"_doc\"]}");
        } catch (EsClient.EsRequestException e) {
            if (e.status() == 404) {
                return;
            }
            throw e;
        }
        String scroll = null;
        try {
            while (true) {
                Map<String, StoredRow> rows = new LinkedHashMap<>();
                String next = parseHits(page, rows);
                scroll = next != null ? next : scroll;
                if (rows.isEmpty()) {
                    return;
                }
                batch.accept(new ArrayList<>(rows.values()));
                page = client.raw("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + scroll + "\"}");
            }
        } finally {
            if (scroll != null) {
                client.send("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + scroll + "\"}", true);
            }
        }
    }

    /** Reads a search answer's {@code hits.hits[]} into {@code rows}; returns its {@code _scroll_id}. */
    private static String parseHits(byte[] answer, Map<String, StoredRow> rows) throws IOException {
        String scroll = null;
        try (JsonParser p = EsJson.MAPPER.getFactory().createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("_scroll_id")) {
                    scroll = p.getText();
                } else if ((field.equals("_shards") || field.equals("timed_out")) && incomplete(p, value)) {
                    throw new IOException("Elasticsearch answered a scroll page of an incomplete search (shards failed"
                            + " or timed out): " + new String(answer, 0, Math.min(answer.length, 500),
                            StandardCharsets.UTF_8));
                } else if (field.equals("hits") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        boolean hits = p.currentName().equals("hits");
                        if (p.nextToken() == JsonToken.START_ARRAY && hits) {
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                readDoc(p, answer, rows);
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
        return scroll;
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

    @Override
    public void forEachId(TableId table, Consumer<List<String>> batch) {
        String index = index(table);
        EsClient.Reply page = client.send("POST", "/" + index + "/_search?scroll=1m&filter_path=_scroll_id,hits.hits._id",
                "{\"size\":" + SCROLL_SIZE + ",\"_source\":false,\"sort\":[\"_doc\"]}", true);
        if (page.status() == 404) {
            return;
        }
        String scroll = page.body().path("_scroll_id").asText();
        try {
            while (true) {
                JsonNode hits = page.body().path("hits").path("hits");
                if (hits.isEmpty()) {
                    return;
                }
                List<String> ids = new ArrayList<>(hits.size());
                hits.forEach(h -> ids.add(h.path("_id").asText()));
                batch.accept(ids);
                scroll = page.body().path("_scroll_id").asText(scroll);
                page = client.send("POST", "/_search/scroll?filter_path=_scroll_id,hits.hits._id",
                        "{\"scroll\":\"1m\",\"scroll_id\":\"" + scroll + "\"}", false);
            }
        } finally {
            client.send("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + scroll + "\"}", true);
        }
    }

    @Override
    public Optional<List<String>> keyOf(TableId table, String id, int keyColumns) {
        if (keyColumns == 1) {
            return Optional.of(List.of(id));
        }
        try {
            JsonNode array = EsJson.MAPPER.readTree(id.getBytes(StandardCharsets.UTF_8));
            if (!array.isArray() || array.size() != keyColumns) {
                return Optional.empty();
            }
            List<String> key = new ArrayList<>();
            array.forEach(v -> key.add(v.isNull() ? null : v.asText()));
            return Optional.of(key);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        pool.shutdownNow();
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public String toString() {
        return "elasticsearch sink '" + instanceName + "'";
    }
}
