package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * white space (a document merged from unchanged columns) is equal by {@link #sameRow}. Answers are
 * read by {@link EsAnswers}. Threads as {@link SinkReader} says: {@link #id}, {@link #expected} and
 * {@link #expectedBytes} read only immutable settings and the thread-safe JSON factory.
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
    /** Per table, per column: whether its values are sent as parsed JSON. */
    private final Map<TableId, Map<String, Boolean>> rawJson = new ConcurrentHashMap<>();
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
            writeDocument(g, row, columns(row.table()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (EsJson.InvalidValueException e) {
            return rejected(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String rejected(EsJson.InvalidValueException e) {
        return "(the sink rejects this row: " + e.getMessage() + ")";
    }

    /**
     * The document the sink sends for the row (as {@code ElasticsearchSink} writes it into a bulk
     * body); {@code columns} is {@link #columns} of the row's table.
     */
    private void writeDocument(JsonGenerator g, ChangeEvent row, Map<String, Boolean> columns) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> c : row.after().orElseThrow().asMap().entrySet()) {
            g.writeFieldName(c.getKey());
            Boolean json = columns.get(c.getKey());
            if (json == null) {
                json = mappings.override(row.table(), c.getKey()).map(FieldMappings::isJsonType).orElse(false);
                columns.put(c.getKey(), json);
            }
            EsJson.write(g, c.getValue(), json);
        }
        g.writeEndObject();
    }

    /**
     * Per column of the table: whether its values are sent as parsed JSON
     * ({@link FieldMappings#isJsonType}), filled as columns are met.
     */
    private Map<String, Boolean> columns(TableId table) {
        return rawJson.computeIfAbsent(table, t -> new ConcurrentHashMap<>());
    }

    /**
     * The bytes of {@link #expected}, written by one generator for all the rows (with no separator
     * between them, as the sink writes documents into a bulk body) into one reused buffer.
     */
    @Override
    public void expectedBytes(List<ChangeEvent> rows, RowBytes to) {
        Buffer out = new Buffer();
        JsonGenerator g = generator(out);
        TableId table = null;
        Map<String, Boolean> columns = null;
        try {
            for (int i = 0; i < rows.size(); i++) {
                ChangeEvent row = rows.get(i);
                if (row.table() != table) {
                    table = row.table();
                    columns = columns(table);
                }
                try {
                    writeDocument(g, row, columns);
                    g.flush();
                } catch (EsJson.InvalidValueException e) {
                    closeQuietly(g);
                    byte[] text = rejected(e).getBytes(StandardCharsets.UTF_8);
                    to.row(i, text, 0, text.length);
                    out.reset();
                    g = generator(out);
                    continue;
                }
                to.row(i, out.bytes(), 0, out.size());
                out.reset();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(g);
        }
    }

    private static JsonGenerator generator(Buffer out) {
        try {
            JsonGenerator g = EsJson.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
            g.setRootValueSeparator(null);
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(JsonGenerator g) {
        try {
            g.close();
        } catch (IOException | RuntimeException ignored) {
            // a generator left mid-document: its output is discarded
        }
    }

    /** A byte buffer whose contents can be read in place. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(4096);
        }

        byte[] bytes() {
            return buf;
        }
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
            byte[] bytes = await(answer);
            EsAnswers.mget(bytes, (id, version, start, end) -> found.put(id, new StoredRow(id,
                    new String(bytes, start, end - start, StandardCharsets.UTF_8), Optional.ofNullable(version))));
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
        scroll(table, page -> {
            List<StoredRow> rows = new ArrayList<>();
            EsAnswers.hits(page, (id, version, start, end) -> rows.add(new StoredRow(id,
                    new String(page, start, end - start, StandardCharsets.UTF_8), Optional.ofNullable(version))));
            if (!rows.isEmpty()) {
                batch.accept(rows);
            }
            return rows.size();
        });
    }

    /** {@link #scan} handing over each source's bytes as Elasticsearch sent them. */
    @Override
    public void scanBytes(TableId table, StoredBytes to) throws IOException {
        scroll(table, page -> {
            int[] hits = new int[1];
            EsAnswers.hits(page, (id, version, start, end) -> {
                hits[0]++;
                to.row(id, page, start, end - start);
            });
            return hits[0];
        });
    }

    /** Reads one scroll page; returns how many documents it held. */
    @FunctionalInterface
    private interface Page {
        int read(byte[] page) throws IOException;
    }

    /**
     * A {@code _doc}-sorted scroll of the table's index, each page handed to {@code read} while
     * Elasticsearch already prepares the next one (asked for as soon as a page's scroll id is
     * known), until a page holds no document.
     */
    private void scroll(TableId table, Page read) throws IOException {
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
        Future<byte[]> next = null;
        try {
            while (true) {
                String id = EsAnswers.scrollId(page);
                scroll = id != null ? id : scroll;
                String body = "{\"scroll\":\"1m\",\"scroll_id\":\"" + scroll + "\"}";
                next = pool.submit(() -> client.raw("POST", "/_search/scroll", body));
                if (read.read(page) == 0) {
                    return;
                }
                page = await(next);
                next = null;
            }
        } finally {
            if (next != null) {
                next.cancel(false);
                try {
                    next.get();
                } catch (Exception ignored) {
                    // the last page asked for is not needed
                }
            }
            if (scroll != null) {
                client.send("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + scroll + "\"}", true);
            }
        }
    }

    private static byte[] await(Future<byte[]> answer) throws IOException {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading documents", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        }
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
