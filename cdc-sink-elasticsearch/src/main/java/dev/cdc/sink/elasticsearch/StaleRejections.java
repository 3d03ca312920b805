package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.error.PartialWriteException.EventFailure;
import dev.cdc.api.event.ChangeEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tells stale rows among the documents Elasticsearch refused. It parses a document before it
 * compares versions, so a replayed row of an older shape (an int for a field that is a date since
 * a migration) is refused with a 400 even where a newer version is stored and an up-to-date row
 * would get a 409. Such a row is stale, and counted as written, when its version is older than
 * the migration that moved its index (everything older was written before the move and copied
 * with it), or not newer than the stored document's version (read with one {@code _mget}). Other
 * rejections stay failures. Lane thread only.
 */
final class StaleRejections {

    /** Logs under the sink's name, as before the sink was split. */
    private static final System.Logger LOG = System.getLogger(ElasticsearchSink.class.getName());

    private final EsClient client;
    private final IndexNames names;
    private final ExternalVersions versions;
    private final Indexes indexes;
    private final TableShapes shapes;
    private final String instanceName;

    StaleRejections(EsClient client, IndexNames names, ExternalVersions versions, Indexes indexes, TableShapes shapes,
                    String instanceName) {
        this.client = client;
        this.names = names;
        this.versions = versions;
        this.indexes = indexes;
        this.shapes = shapes;
        this.instanceName = instanceName;
    }

    /** The failures without the document rejections of stale rows (see the class comment). */
    List<EventFailure> withoutStale(List<EventFailure> failures, Set<ChangeEvent> rejections) {
        if (rejections.isEmpty()) {
            return failures;
        }
        Map<EventFailure, DocRef> candidates = new LinkedHashMap<>();
        Map<EventFailure, Long> eventVersions = new HashMap<>();
        List<EventFailure> kept = new ArrayList<>();
        for (EventFailure f : failures) {
            ChangeEvent e = f.event();
            if (rejections.contains(e) && !e.key().isEmpty() && !e.isDelete()) {
                try {
                    String index = names.of(e.table(), e.commitTime());
                    long version = versions.of(e);
                    Indexes.State state = indexes.ensure(index, e.table(), shapes.schema(e.table()));
                    if (version < state.migratedAt) {
                        LOG.log(System.Logger.Level.DEBUG, "sink ''{0}'': a row of {1} older than the migration of"
                                + " index ''{2}'' was refused ({3}); it is stale, counted as written", instanceName,
                                e.table(), index, f.reason());
                        continue;
                    }
                    candidates.put(f, new DocRef(index, DocumentIds.of(e.key())));
                    eventVersions.put(f, version);
                    continue;
                } catch (RuntimeException ex) {
                    // fall through: keep the failure as it is
                }
            }
            kept.add(f);
        }
        if (candidates.isEmpty()) {
            return kept;
        }
        ObjectNode body = EsJson.MAPPER.createObjectNode();
        var docs = body.putArray("docs");
        candidates.values().forEach(r -> docs.addObject().put("_index", r.index()).put("_id", r.id())
                .put("_source", false));
        JsonNode answers;
        try {
            answers = client.json("POST", "/_mget", body.toString()).path("docs");
        } catch (RuntimeException ex) {
            // cannot tell whether they are stale now: retriable, the retry writes and checks them again
            candidates.keySet().forEach(f -> kept.add(new EventFailure(f.event(), f.reason()
                    + "; and reading the stored version to check whether the row is stale failed: " + ex.getMessage(),
                    true)));
            return kept;
        }
        int i = 0;
        for (Map.Entry<EventFailure, DocRef> c : candidates.entrySet()) {
            JsonNode d = answers.path(i++);
            boolean stale = d.path("found").asBoolean() && d.path("_version").asLong() >= eventVersions.get(c.getKey());
            if (!stale) {
                kept.add(c.getKey());
            }
        }
        return kept;
    }
}
