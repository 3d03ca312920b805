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
import java.util.function.Consumer;

/**
 * The {@code elasticsearch} sink read back for {@code cdc verify}: a row's document is what the
 * sink indexes for it (the same document id, {@link ElasticsearchSink#documentId}; the same JSON,
 * {@link EsJson#write} with the same {@code column-types}), at the index the {@code index}
 * template names (its alias); stored documents are read with {@code _mget} (real time, so a
 * document written a moment ago counts) and the ids of a table with a {@code _doc}-sorted scroll.
 * Both sides are compared as {@link CanonicalJson}. Used by one thread.
 */
final class EsReadBack implements SinkReader {

    private static final int SCROLL_SIZE = 5000;

    private final EsClient.Settings settings;
    private final IndexNames names;
    private final FieldMappings mappings;
    private final String instanceName;
    private EsClient client;

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
        return CanonicalJson.of(out.toByteArray(), Set.of());
    }

    @Override
    public Map<String, StoredRow> stored(TableId table, Collection<String> ids) throws IOException {
        Map<String, StoredRow> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        ObjectNode body = EsJson.MAPPER.createObjectNode();
        var array = body.putArray("ids");
        ids.forEach(array::add);
        EsClient.Reply reply = client.send("POST", "/" + index(table) + "/_mget", body.toString(), true);
        for (JsonNode d : reply.body().path("docs")) {
            if (d.path("found").asBoolean()) {
                String id = d.path("_id").asText();
                byte[] source = EsJson.MAPPER.writeValueAsBytes(d.path("_source"));
                found.put(id, new StoredRow(id, CanonicalJson.of(source, Set.of()),
                        Optional.of(Long.toString(d.path("_version").asLong()))));
            }
        }
        return found;
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
