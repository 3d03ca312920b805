package dev.cdc.launcher.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.event.TableId;
import dev.cdc.core.backfill.Backfills;
import dev.cdc.core.spec.Reattachment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The sink part of the monitoring server's HTTP API: {@code POST /sinks/<name>/reattach} with an
 * optional body {@code {"backfill": true, "tables": ["schema.name", ...]}} re-attaches a detached
 * sink while the pipeline runs ({@link dev.cdc.core.pipeline.Pipeline#reattach}); with
 * {@code backfill} and no {@code tables}, every table of the pipeline's schema history is
 * backfilled into it. Answers 200 {@code {"sink": ..., "reattached": true, "detached": {"position":
 * {...}, "since": ..., "reason": ...}, "from": {...}, "backfills": [{"id": ..., "table": ...}]}},
 * or 200 {@code {"sink": ..., "reattached": false, "reason": "sink 'x' is not detached"}}; 404 for
 * an unknown sink, 409 when the pipeline is not running or the sink still ends its old delivery,
 * 400 for a bad body or a source that cannot backfill, 503 when the sink cannot be opened.
 */
final class SinkApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/sinks/";
    private static final String SUFFIX = "/reattach";

    /** What the API needs of the running pipeline. */
    interface Target {
        Reattachment reattach(String sink, List<TableId> tables);

        List<TableId> capturedTables();
    }

    private SinkApi() {
    }

    static boolean handles(String path) {
        return path.startsWith(PREFIX);
    }

    static BackfillApi.Answer post(Target pipeline, String path, String body) {
        if (!path.endsWith(SUFFIX) || path.length() <= PREFIX.length() + SUFFIX.length()) {
            return BackfillApi.error(404, "POST to /sinks/<name>/reattach");
        }
        String sink = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        boolean backfill;
        List<TableId> tables = new ArrayList<>();
        try {
            JsonNode n = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
            if (!n.isObject()) {
                return BackfillApi.error(400, "the body must be a JSON object like {\"backfill\": true}");
            }
            backfill = n.path("backfill").asBoolean(false);
            for (JsonNode t : n.path("tables")) {
                tables.add(TableId.parse(t.asText().trim()));
            }
        } catch (IOException | IllegalArgumentException e) {
            return BackfillApi.error(400, "the body is not valid: " + e.getMessage());
        }
        if (!backfill && !tables.isEmpty()) {
            return BackfillApi.error(400, "\"tables\" needs \"backfill\": true");
        }
        try {
            List<TableId> which = backfill && tables.isEmpty() ? pipeline.capturedTables() : tables;
            if (backfill && which.isEmpty()) {
                return BackfillApi.error(400, "the pipeline's schema history knows no table yet; name the tables");
            }
            return new BackfillApi.Answer(200, StatusJson.text(json(pipeline.reattach(sink, which))));
        } catch (NoSuchElementException e) {
            return BackfillApi.error(404, e.getMessage());
        } catch (Backfills.Refused e) {
            return BackfillApi.error(400, e.getMessage());
        } catch (Reattachment.NotDetached e) {
            ObjectNode n = JSON.createObjectNode();
            n.put("sink", sink);
            n.put("reattached", false);
            n.put("reason", e.getMessage());
            return new BackfillApi.Answer(200, StatusJson.text(n));
        } catch (IllegalStateException e) {
            return BackfillApi.error(409, e.getMessage());
        } catch (RuntimeException e) {
            return BackfillApi.error(503, e.getMessage());
        }
    }

    static ObjectNode json(Reattachment r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sink", r.sink());
        n.put("reattached", true);
        ObjectNode d = n.putObject("detached");
        d.set("position", StatusJson.offsets(r.detached().position()));
        d.put("since", r.detached().since().toString());
        d.put("reason", r.detached().reason());
        n.set("from", r.from().map(StatusJson::offsets).orElse(null));
        ArrayNode b = n.putArray("backfills");
        r.backfills().forEach(q -> b.addObject().put("id", q.id()).put("table", q.table().toString()));
        return n;
    }
}
