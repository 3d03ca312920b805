package dev.cdc.launcher.monitor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.core.backfill.BackfillJson;
import dev.cdc.core.backfill.BackfillStatus;
import dev.cdc.core.backfill.BackfillStore;
import dev.cdc.core.backfill.Backfills;

import java.util.Optional;

/**
 * The backfill part of the monitoring server's HTTP API:
 * <ul>
 *   <li>{@code POST /backfills} with {@code {"table": "schema.name", "where": "SQL"?, "keys": [["1"]]?,
 *   "sinks": ["es"]?, "id": "..."?}}: 202 {@code {"id": ..., "state": "queued"}}; 400
 *   {@code {"error": ...}} for a bad request, an unknown sink or a source that cannot backfill; 409
 *   when the id exists</li>
 *   <li>{@code GET /backfills}: every request's {@link BackfillJson#status}, in request order</li>
 *   <li>{@code GET /backfills/<id>}: one of them, 404 when unknown</li>
 * </ul>
 */
final class BackfillApi {

    /** An answer: HTTP status and JSON body. */
    record Answer(int status, String body) {
    }

    /** Most bytes of a request body (a key list from {@code cdc verify --repair} can be long). */
    static final int MAX_BODY = 64 * 1024 * 1024;

    private BackfillApi() {
    }

    static boolean handles(String path) {
        return path.equals("/backfills") || path.equals("/backfills/") || path.startsWith("/backfills/");
    }

    static Answer get(Backfills backfills, String path) {
        String id = path.startsWith("/backfills/") ? path.substring("/backfills/".length()) : "";
        if (id.isEmpty()) {
            return new Answer(200, StatusJson.text(BackfillJson.statuses(backfills.statuses())));
        }
        Optional<BackfillStatus> s = backfills.status(id);
        return s.map(st -> new Answer(200, StatusJson.text(BackfillJson.status(st))))
                .orElseGet(() -> error(404, "no backfill with id '" + id + "'"));
    }

    static Answer post(Backfills backfills, String path, String body) {
        if (!path.equals("/backfills") && !path.equals("/backfills/")) {
            return error(405, "POST only to /backfills");
        }
        BackfillRequest request;
        try {
            request = BackfillJson.request(body, "pending");
            if (request.id().equals("pending")) {
                request = new BackfillRequest(BackfillStore.newId(request.table()), request.table(), request.where(),
                        request.keys(), request.sinks(), request.resumeAfter());
            }
            BackfillStatus s = backfills.request(request);
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("id", s.id());
            n.put("state", s.state().tag());
            return new Answer(202, StatusJson.text(n));
        } catch (Backfills.Refused e) {
            return error(e.conflict() ? 409 : 400, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        } catch (RuntimeException e) {
            return error(500, "could not queue the backfill: " + e.getMessage());
        }
    }

    static Answer error(int status, String message) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("error", message);
        return new Answer(status, StatusJson.text(n));
    }
}
