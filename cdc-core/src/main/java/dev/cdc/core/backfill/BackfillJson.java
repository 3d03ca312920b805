package dev.cdc.core.backfill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON of the backfill HTTP API ({@code POST /backfills}, {@code GET /backfills}) and of the
 * signal table's {@code data} column. A request:
 * {@code {"table": "schema.name", "where": "SQL"?, "keys": [["1"], ["2"]]?, "sinks": ["es"]?, "id": "..."?}};
 * a status: {@code {"id", "table", "sinks", "state", "rows", "rows_estimated", "rate", "eta_seconds", "error"}}.
 */
public final class BackfillJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BackfillJson() {
    }

    /**
     * Parses a request document.
     *
     * @param defaultId the id when the document has none
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static BackfillRequest request(String text, String defaultId) {
        JsonNode n;
        try {
            n = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request is not JSON: " + e.getOriginalMessage());
        }
        return request(n, defaultId);
    }

    /** {@link #request(String, String)} of a parsed document. */
    public static BackfillRequest request(JsonNode n, String defaultId) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a backfill request is a JSON object with at least \"table\"");
        }
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of("table", "where", "keys", "sinks", "id").contains(f)) {
                throw new IllegalArgumentException("unknown field \"" + f + "\" in a backfill request (known: table, "
                        + "where, keys, sinks, id)");
            }
        }
        String table = n.path("table").asText("");
        if (!n.path("table").isTextual() || table.isBlank()) {
            throw new IllegalArgumentException("a backfill request needs \"table\": \"schema.name\"");
        }
        List<List<String>> keys = new ArrayList<>();
        JsonNode k = n.path("keys");
        if (!k.isMissingNode() && !k.isNull()) {
            if (!k.isArray()) {
                throw new IllegalArgumentException("\"keys\" must be a list of keys, each a list of column values: "
                        + "[[\"1\"], [\"2\"]]");
            }
            for (JsonNode key : k) {
                List<String> values = new ArrayList<>();
                if (key.isArray()) {
                    key.forEach(v -> values.add(v.asText()));
                } else {
                    values.add(key.asText());
                }
                keys.add(values);
            }
        }
        Set<String> sinks = new LinkedHashSet<>();
        JsonNode s = n.path("sinks");
        if (s.isArray()) {
            s.forEach(v -> sinks.add(v.asText()));
        } else if (s.isTextual()) {
            sinks.add(s.asText());
        }
        Optional<String> where = n.path("where").isTextual() && !n.path("where").asText().isBlank()
                ? Optional.of(n.path("where").asText()) : Optional.empty();
        String id = n.path("id").isTextual() ? BackfillStore.checkId(n.path("id").asText()) : defaultId;
        return new BackfillRequest(id, TableId.parse(table), where, keys, sinks, Optional.empty());
    }

    /** The JSON of a request as {@code POST /backfills} takes it. */
    public static ObjectNode request(BackfillRequest r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", r.id());
        n.put("table", r.table().toString());
        r.where().ifPresent(w -> n.put("where", w));
        if (r.byKeys()) {
            ArrayNode keys = n.putArray("keys");
            r.keys().forEach(k -> k.forEach(keys.addArray()::add));
        }
        ArrayNode sinks = n.putArray("sinks");
        r.sinks().stream().sorted().forEach(sinks::add);
        return n;
    }

    /** The JSON of a status. */
    public static ObjectNode status(BackfillStatus s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", s.id());
        n.put("table", s.table().toString());
        ArrayNode sinks = n.putArray("sinks");
        s.sinks().stream().sorted().forEach(sinks::add);
        n.put("state", s.state().tag());
        n.put("rows", s.rows());
        n.put("rows_estimated", s.rowsEstimated());
        n.put("rate", Math.round(s.rate() * 10) / 10.0);
        if (s.etaSeconds().isPresent()) {
            n.put("eta_seconds", Math.round(s.etaSeconds().getAsDouble()));
        } else {
            n.putNull("eta_seconds");
        }
        n.put("error", s.error().orElse(null));
        return n;
    }

    /** A list of statuses. */
    public static ArrayNode statuses(List<BackfillStatus> list) {
        ArrayNode a = MAPPER.createArrayNode();
        list.forEach(s -> a.add(status(s)));
        return a;
    }
}
