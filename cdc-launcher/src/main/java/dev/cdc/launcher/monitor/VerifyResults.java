package dev.cdc.launcher.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.launcher.verify.VerifyRecords;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The latest {@code cdc verify} results of the pipeline, as {@code cdc verify} (its own process)
 * left them in the state directory ({@link VerifyRecords}), for {@code /status} and as gauges per
 * table and sink (tags {@code pipeline}, {@code table}, {@code sink}):
 * <ul>
 *   <li>{@code cdc.verify.differences} (tag {@code kind}: missing, extra, different): the rows that
 *   differ, after the repair's re-check when {@code --repair --wait} made one</li>
 *   <li>{@code cdc.verify.equal}: 1 when equal, 0 when not, NaN when the pair could not be compared</li>
 *   <li>{@code cdc.verify.rows}: the source rows compared</li>
 *   <li>{@code cdc.verify.last.run.timestamp.seconds}: when that verify finished (Unix time)</li>
 *   <li>{@code cdc.verify.duration.seconds}: how long comparing the pair took</li>
 * </ul>
 * The files are read again at most once a second, when {@link #refresh} is called ({@code /metrics}
 * and {@code /status} do). Thread-safe.
 */
public final class VerifyResults {

    private static final long RELOAD_NANOS = 1_000_000_000L;

    private final String pipeline;
    private final Optional<VerifyRecords> records;
    private final Set<String> registered = new HashSet<>();
    private volatile Map<String, ObjectNode> current = Map.of();
    private long loadedAt;
    private boolean loaded;
    private MeterRegistry registry;

    public VerifyResults(String pipeline, Optional<VerifyRecords> records) {
        this.pipeline = pipeline;
        this.records = records;
    }

    /** Registers the gauges in {@code meters} (now, and for each table and sink seen later). */
    public synchronized void bindTo(MeterRegistry meters) {
        this.registry = meters;
        loaded = false;
        refresh();
    }

    /** The records, reading the files again when the last read is older than a second. */
    public synchronized List<ObjectNode> refresh() {
        if (records.isEmpty()) {
            return List.of();
        }
        if (!loaded || System.nanoTime() - loadedAt >= RELOAD_NANOS) {
            Map<String, ObjectNode> next = new LinkedHashMap<>();
            for (ObjectNode n : records.get().list()) {
                next.put(key(n.path("table").asText(), n.path("sink").asText()), n);
            }
            current = next;
            loadedAt = System.nanoTime();
            loaded = true;
            if (registry != null) {
                next.values().forEach(this::register);
            }
        }
        return List.copyOf(current.values());
    }

    private void register(ObjectNode n) {
        String table = n.path("table").asText();
        String sink = n.path("sink").asText();
        String key = key(table, sink);
        if (!registered.add(key)) {
            return;
        }
        Tags tags = Tags.of("pipeline", pipeline, "table", table, "sink", sink);
        for (String kind : List.of("missing", "extra", "different")) {
            gauge("cdc.verify.differences", "Rows that differ between the table and the sink at the last cdc verify "
                    + "(after its repair's re-check, if any)", tags.and("kind", kind), key, r -> count(r, kind));
        }
        gauge("cdc.verify.equal", "1 when the last cdc verify found the sink equal to the table, 0 when not, NaN when "
                + "it could not compare them", tags, key, r -> r.hasNonNull("equal") ? (r.path("equal").asBoolean()
                ? 1 : 0) : Double.NaN);
        gauge("cdc.verify.rows", "Source rows the last cdc verify compared", tags, key,
                r -> r.hasNonNull("source_rows") ? r.path("source_rows").asDouble() : Double.NaN);
        gauge("cdc.verify.last.run.timestamp.seconds", "When the last cdc verify of the table and sink finished "
                + "(Unix time)", tags, key, VerifyResults::finishedAt);
        gauge("cdc.verify.duration.seconds", "How long the last cdc verify took to compare the table and sink", tags,
                key, r -> r.path("duration_seconds").asDouble(Double.NaN));
    }

    private void gauge(String name, String description, Tags tags, String key, ToDoubleFunction<JsonNode> value) {
        Gauge.builder(name, this, v -> {
            ObjectNode r = v.current.get(key);
            return r == null ? Double.NaN : value.applyAsDouble(r);
        }).description(description).tags(tags).register(registry);
    }

    private static double count(JsonNode r, String kind) {
        return r.hasNonNull(kind) ? r.path(kind).asDouble() : Double.NaN;
    }

    private static double finishedAt(JsonNode r) {
        try {
            return Instant.parse(r.path("finished_at").asText()).toEpochMilli() / 1000.0;
        } catch (DateTimeParseException e) {
            return Double.NaN;
        }
    }

    private static String key(String table, String sink) {
        return sink + "\u0000" + table;
    }
}
