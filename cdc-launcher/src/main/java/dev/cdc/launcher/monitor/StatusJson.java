package dev.cdc.launcher.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.core.backfill.BackfillJson;
import dev.cdc.core.schema.HeldChanges;
import dev.cdc.core.spec.PipelineStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON documents of {@code /status} and {@code /health}. Field names are snake_case like the
 * event envelope's. {@code /status}:
 *
 * <pre>{@code
 * {"pipeline": "demo", "state": "RUNNING", "failure": null, "uptime_seconds": 12.3,
 *  "events_captured": 2400, "lag_alerts": [],
 *  "checkpoint": {"position": {"sequence": "2299"}, "sort_key": "...", "saved_at": "...", "age_seconds": 0.4},
 *  "sinks": [{"name": "out", "type": "file", "written": 2300, "retries": 0, "failed": 0, "dead_lettered": 0,
 *             "skipped": 0, "queue_depth": 100, "lag_seconds": 0.2, "lag_alert": false,
 *             "acked": {"sequence": "2299"},
 *             "schema_changes": {"applied": 1, "ignored": 0, "stopped": 0, "held": [
 *               {"table": "public.items", "version": 3, "position": {...}, "changes": "add column note string (FULL)",
 *                "statements": ["ALTER TABLE ..."], "held_at": "...",
 *                "approve": "cdc schema approve FILE out 3 --table public.items", "reject": "..."}]},
 *             "state": "streaming", "outage": null,
 *             "backlog_events": 0, "backlog_bytes": 0, "backlog_age_seconds": 0.0, "detached": null}],
 *  "source_waiting_on": null,
 *  "snapshot": [{"table": "public.orders", "rows_read": 1200, "rows_estimated": 5000, "finished": false}],
 *  "backfills": [{"id": "orders-1a2b3c4d", "table": "public.orders", "sinks": ["es"], "state": "running",
 *                 "rows": 4096, "rows_estimated": 100000, "rate": 2048.0, "eta_seconds": 47, "error": null}],
 *  "verify": [{"table": "public.orders", "sink": "es", "equal": false, "source_rows": 100000, "missing": 2,
 *              "extra": 0, "different": 1, "found": {...}, "sample": {"missing": [{"id": "7", "key": ["7"]}], ...},
 *              "finished_at": "...", "duration_seconds": 3.1, "age_seconds": 600.0, "repair": null,
 *              "after_repair": null, ...}]}
 * }</pre>
 *
 * {@code verify} holds the latest {@code cdc verify} result of each table and sink, as
 * {@link dev.cdc.launcher.verify.VerifyRecords} describes it.
 *
 * {@code checkpoint} is null before the first one; {@code rows_estimated} is null when unknown. A sink's
 * {@code state} is {@code streaming}, {@code catching-up} (delivering from its on-disk backlog),
 * {@code paused} (its backlog budget is spent: the source waits) or {@code detached}; {@code outage}
 * is {@code {"since": ..., "last_error": ...}} while its target is unreachable; {@code detached} is
 * {@code {"position": {...}, "since": ..., "reason": ...}}. {@code source_waiting_on} names the sink
 * whose full lane blocks the source.
 * No option values appear, so no secret can.
 */
public final class StatusJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusJson() {
    }

    /** The {@code /status} document of the observed pipeline now. */
    public static ObjectNode status(PipelineObserver observer) {
        PipelineStatus s = observer.status();
        Instant now = observer.clock().instant();
        Set<String> alerts = observer.lagAlerts();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("pipeline", s.name());
        root.put("state", s.state().name());
        root.put("failure", s.failure().orElse(null));
        root.put("uptime_seconds", seconds(observer.uptime()));
        root.put("events_captured", s.eventsCaptured());
        ArrayNode alertNames = root.putArray("lag_alerts");
        alerts.forEach(alertNames::add);
        if (s.checkpoint().isPresent()) {
            ObjectNode cp = root.putObject("checkpoint");
            cp.set("position", offsets(s.checkpoint().get()));
            cp.put("sort_key", s.checkpoint().get().sortKey());
            cp.put("saved_at", s.checkpointSavedAt().map(Instant::toString).orElse(null));
            if (s.checkpointSavedAt().isPresent()) {
                cp.put("age_seconds", seconds(Duration.between(s.checkpointSavedAt().get(), now)));
            } else {
                cp.putNull("age_seconds");
            }
        } else {
            root.putNull("checkpoint");
        }
        ArrayNode sinks = root.putArray("sinks");
        for (PipelineStatus.SinkStatus sink : s.sinks()) {
            ObjectNode n = sinks.addObject();
            n.put("name", sink.name());
            n.put("type", sink.type());
            n.put("written", sink.written());
            n.put("retries", sink.retries());
            n.put("failed", sink.failed());
            n.put("dead_lettered", sink.deadLettered());
            n.put("skipped", sink.skipped());
            n.put("queue_depth", sink.queueDepth());
            n.put("lag_seconds", sink.lagSeconds());
            n.put("lag_alert", alerts.contains(sink.name()));
            n.set("acked", sink.acked().map(StatusJson::offsets).orElse(null));
            ObjectNode schema = n.putObject("schema_changes");
            schema.put("applied", sink.schemaChanges().applied());
            schema.put("ignored", sink.schemaChanges().ignored());
            schema.put("stopped", sink.schemaChanges().stopped());
            ArrayNode held = schema.putArray("held");
            for (HeldChanges.Held h : sink.schemaChanges().held()) {
                ObjectNode c = held.addObject();
                c.put("table", h.table().toString());
                c.put("version", h.version());
                c.set("position", offsets(h.position()));
                c.put("changes", h.changes());
                h.statements().forEach(c.putArray("statements")::add);
                c.put("held_at", h.heldAt().toString());
                c.put("approve", h.approveCommand());
                c.put("reject", h.rejectCommand());
            }
            n.put("state", sink.state().tag());
            if (sink.outage().isPresent()) {
                ObjectNode o = n.putObject("outage");
                o.put("since", sink.outage().get().since().toString());
                o.put("seconds", seconds(Duration.between(sink.outage().get().since(), now)));
                o.put("last_error", sink.outage().get().lastError());
            } else {
                n.putNull("outage");
            }
            n.put("backlog_events", sink.backlog().events());
            n.put("backlog_bytes", sink.backlog().bytes());
            n.put("backlog_age_seconds", sink.backlog().ageSeconds());
            if (sink.detached().isPresent()) {
                ObjectNode d = n.putObject("detached");
                d.set("position", offsets(sink.detached().get().position()));
                d.put("since", sink.detached().get().since().toString());
                d.put("reason", sink.detached().get().reason());
            } else {
                n.putNull("detached");
            }
        }
        root.put("source_waiting_on", s.sourceWaitingOn().orElse(null));
        ArrayNode warnings = root.putArray("warnings");
        s.warnings().forEach(warnings::add);
        ArrayNode snapshot = root.putArray("snapshot");
        for (SnapshotProgress p : observer.snapshotProgress()) {
            ObjectNode n = snapshot.addObject();
            n.put("table", p.table().toString());
            n.put("rows_read", p.rowsRead());
            if (p.rowsEstimated().isPresent()) {
                n.put("rows_estimated", p.rowsEstimated().getAsLong());
            } else {
                n.putNull("rows_estimated");
            }
            n.put("finished", p.finished());
        }
        root.set("backfills", BackfillJson.statuses(observer.backfills().statuses()));
        ArrayNode verify = root.putArray("verify");
        for (ObjectNode v : observer.verifyResults().refresh()) {
            ObjectNode n = v.deepCopy();
            try {
                n.put("age_seconds", seconds(Duration.between(Instant.parse(v.path("finished_at").asText()), now)));
            } catch (DateTimeParseException e) {
                n.putNull("age_seconds");
            }
            verify.add(n);
        }
        return root;
    }

    /**
     * The {@code /health} document: {@code {"status": "UP", "pipeline": ..., "state": ..., "lag_alerts": [...],
     * "problems": [...], "schema_held": [...]}}; {@code problems} says why it is DEGRADED besides lag (an
     * unreachable target since when, a detached sink, the source waiting on a sink), {@code schema_held}
     * each schema change held for approval with the commands that decide it.
     */
    public static ObjectNode health(String pipeline, Health health) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("status", health.status().name());
        root.put("pipeline", pipeline);
        root.put("state", health.state().name());
        ArrayNode alerts = root.putArray("lag_alerts");
        health.lagAlerts().forEach(alerts::add);
        health.failure().ifPresent(f -> root.put("failure", f));
        ArrayNode problems = root.putArray("problems");
        health.problems().forEach(problems::add);
        ArrayNode held = root.putArray("schema_held");
        health.schemaHeld().forEach(held::add);
        return root;
    }

    /** Compact JSON text of a document. */
    public static String text(JsonNode document) {
        return document.toString();
    }

    static ObjectNode offsets(Position position) {
        ObjectNode n = MAPPER.createObjectNode();
        for (Map.Entry<String, String> e : position.offsets().entrySet()) {
            n.put(e.getKey(), e.getValue());
        }
        return n;
    }

    private static double seconds(Duration d) {
        return Math.round(d.toMillis() / 100.0) / 10.0;
    }

    /** Parses a JSON document, e.g. what {@code cdc status} fetched. */
    public static Optional<ObjectNode> parse(String json) {
        try {
            return MAPPER.readTree(json) instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
