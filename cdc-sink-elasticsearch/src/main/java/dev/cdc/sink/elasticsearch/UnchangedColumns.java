package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates with unchanged (TOAST) columns: Elasticsearch has no partial update with an external
 * version, so such an update is indexed as the stored document (or the row written earlier in
 * the same batch) with the sent columns replaced. Before a batch is written, {@link #lookUp}
 * reads the stored documents it needs in one {@code _mget}, after every earlier request is
 * answered so they are current; the returned {@link Batch} then remembers the rows the batch
 * writes. Lane thread only.
 */
final class UnchangedColumns {

    private final EsClient client;
    private final BulkSender sender;
    private final IndexNames names;
    private final TableShapes shapes;

    UnchangedColumns(EsClient client, BulkSender sender, IndexNames names, TableShapes shapes) {
        this.client = client;
        this.sender = sender;
        this.names = names;
        this.shapes = shapes;
    }

    /** The documents an update with unchanged columns merges into, while one batch is written. */
    static final class Batch {
        private final Map<DocRef, JsonNode> stored;
        private final Map<DocRef, JsonNode> recent = new HashMap<>();
        private final boolean hasUnchanged;

        private Batch(Map<DocRef, JsonNode> stored, boolean hasUnchanged) {
            this.stored = stored;
            this.hasUnchanged = hasUnchanged;
        }

        /** Whether the batch has an update with unchanged columns (then the rows it writes are remembered). */
        boolean hasUnchanged() {
            return hasUnchanged;
        }

        /** The document as written earlier in the batch, else as stored ({@link NullNode}: none; null: not read). */
        JsonNode base(DocRef ref) {
            return recent.containsKey(ref) ? recent.get(ref) : stored.get(ref);
        }

        /** The document the batch wrote ({@link NullNode} for a delete). */
        void remember(DocRef ref, JsonNode document) {
            recent.put(ref, document);
        }

        /** The index was truncated: the documents the batch wrote to it are gone. */
        void truncated(String index) {
            recent.keySet().removeIf(r -> r.index().equals(index));
        }
    }

    /**
     * The stored documents of the keys whose update has unchanged columns and whose earlier row
     * is not in this batch: read after every earlier request is answered, so they are current.
     */
    Batch lookUp(List<ChangeEvent> events) throws Exception {
        boolean hasUnchanged = false;
        Set<DocRef> seen = new HashSet<>();
        Map<String, List<String>> wanted = new LinkedHashMap<>();
        for (ChangeEvent e : events) {
            if (e.operation() == Operation.TRUNCATE || e.key().isEmpty()) {
                continue;
            }
            DocRef ref;
            try {
                ref = new DocRef(names.of(e.table(), e.commitTime()), DocumentIds.of(e.key()));
            } catch (RuntimeException ex) {
                continue; // reported when the event is written
            }
            if (e.after().isPresent() && e.after().get().hasUnchanged()) {
                hasUnchanged = true;
                if (!seen.contains(ref)) {
                    wanted.computeIfAbsent(ref.index(), i -> new ArrayList<>()).add(ref.id());
                }
            }
            seen.add(ref);
        }
        if (wanted.isEmpty()) {
            return new Batch(Map.of(), hasUnchanged);
        }
        sender.drain();
        ObjectNode body = EsJson.MAPPER.createObjectNode();
        var docs = body.putArray("docs");
        List<DocRef> asked = new ArrayList<>();
        wanted.forEach((index, ids) -> ids.forEach(id -> {
            docs.addObject().put("_index", index).put("_id", id);
            asked.add(new DocRef(index, id));
        }));
        JsonNode reply = client.json("POST", "/_mget", body.toString());
        Map<DocRef, JsonNode> found = new HashMap<>();
        JsonNode answers = reply.path("docs");
        for (int i = 0; i < asked.size(); i++) {
            JsonNode d = answers.path(i);
            // answers come in the order asked; a missing index answers an error: no stored row
            found.put(asked.get(i), d.path("found").asBoolean() ? d.path("_source") : NullNode.getInstance());
        }
        return new Batch(found, hasUnchanged);
    }

    /**
     * The document to index for {@code after}: its sent columns, and the unchanged ones (and the
     * ones it does not name at all) as {@code base} has them.
     */
    ObjectNode merge(TableId table, JsonNode base, Row after) throws IOException {
        ObjectNode merged = EsJson.MAPPER.createObjectNode();
        for (Map.Entry<String, Object> c : after.asMap().entrySet()) {
            if (c.getValue() == Unchanged.VALUE) {
                if (base != null && base.has(c.getKey())) {
                    merged.set(c.getKey(), base.get(c.getKey()));
                }
            } else {
                merged.set(c.getKey(), shapes.valueTree(table, c.getKey(), c.getValue()));
            }
        }
        if (base != null && base.isObject()) {
            // columns the event does not name at all (a source that omits them) keep their value too
            base.fields().forEachRemaining(f -> {
                if (!after.has(f.getKey())) {
                    merged.set(f.getKey(), f.getValue());
                }
            });
        }
        return merged;
    }
}
