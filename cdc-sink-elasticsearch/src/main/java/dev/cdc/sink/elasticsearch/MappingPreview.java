package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.TableSchema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The requests the sink sends Elasticsearch for a schema change, written out without sending them
 * (for {@code cdc schema plan}): the index created with the table's mapping on first sight, new
 * fields' mappings added, a changed field type moved to a new index version behind the alias
 * (reindex and alias switch), as {@link Indexes#apply} does. A dropped column or table leaves the
 * index as it is. Stateless.
 */
final class MappingPreview {

    private MappingPreview() {
    }

    static List<String> of(String alias, FieldMappings mappings, Map<String, String> indexSettings,
                           SchemaChangeEvent change) {
        if (change.after().isEmpty()) {
            return List.of();
        }
        TableSchema after = change.after().get();
        Optional<TableSchema> before = change.before();
        Map<String, Object> added = new LinkedHashMap<>();
        Map<String, Object> changed = new LinkedHashMap<>();
        for (Column c : after.columns()) {
            Map<String, Object> wanted = mappings.of(change.table(), c);
            Optional<Column> was = before.flatMap(b -> b.column(c.name()));
            if (was.isEmpty()) {
                added.put(c.name(), wanted);
            } else if (!mappings.of(change.table(), was.get()).equals(wanted)) {
                changed.put(c.name(), wanted);
            }
        }
        List<String> requests = new ArrayList<>();
        if (before.isEmpty()) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (!indexSettings.isEmpty()) {
                body.put("settings", Map.of("index", indexSettings));
            }
            body.put("mappings", Map.of("properties", added));
            body.put("aliases", Map.of(alias, Map.of("is_write_index", true)));
            requests.add("PUT /" + alias + "_v1 " + json(body) + "  (skipped when the alias exists)");
            return requests;
        }
        if (!added.isEmpty()) {
            requests.add("PUT /" + alias + "/_mapping " + json(Map.of("properties", added)));
        }
        if (!changed.isEmpty()) {
            requests.add("PUT /" + alias + "_v<next> with the index's mapping and " + json(Map.of("properties", changed))
                    + ", copy every document into it (scroll + bulk, external versions kept), then POST /_aliases"
                    + " moving '" + alias + "' to it and deleting the old index");
        }
        return requests;
    }

    private static String json(Object value) {
        try {
            return EsJson.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
