package dev.cdc.core.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.schema.store.DurableFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The backfill requests of a pipeline, one file each in its state directory:
 * {@code <state>/backfills/<id>.json}, written atomically and durably ({@link DurableFiles#replace}).
 * The running engine keeps them through {@link Backfills}; {@code cdc backfill} and
 * {@code cdc verify --repair} {@linkplain #queue queue} into it directly while no launcher runs
 * the pipeline, and the next run picks the requests up. The file:
 *
 * <pre>{@code
 * {"id": "orders-1", "table": "public.orders", "where": "region = 'eu'", "keys": [["1"], ["2"]],
 *  "sinks": ["es"], "resume_after": ["1041"], "state": "running", "rows": 1024, "rows_estimated": 5000,
 *  "error": null, "requested_at": "...", "updated_at": "..."}
 * }</pre>
 *
 * {@code where} and {@code resume_after} are null when absent; {@code keys} and {@code sinks} empty
 * for every row and every sink. Thread-safe as long as two processes do not write one id at once.
 */
public final class BackfillStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path directory;

    /** The store under {@code stateDirectory}. */
    public BackfillStore(Path stateDirectory) {
        this.directory = stateDirectory.resolve("backfills");
    }

    /** The pipeline's store, when it has a state directory (a file checkpoint store). */
    public static Optional<BackfillStore> of(PipelineSpec spec) {
        return spec.stateDirectory().map(BackfillStore::new);
    }

    public Path directory() {
        return directory;
    }

    public Path file(String id) {
        return directory.resolve(id + ".json");
    }

    /** A fresh id for a request of {@code table}: {@code <table>-<8 hex>}. */
    public static String newId(TableId table) {
        return (table.name() + "-" + UUID.randomUUID().toString().substring(0, 8)).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * Checks an id chosen from outside: letters, digits, '.', '_' and '-', at most 128.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static String checkId(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("backfill id '" + id + "' must be letters, digits, '.', '_' and '-' "
                    + "(at most 128, starting with a letter or digit)");
        }
        return id;
    }

    /**
     * Queues a new request (state queued).
     *
     * @throws IllegalStateException when a request with its id exists
     */
    public synchronized BackfillRecord queue(BackfillRequest request, Instant now) {
        checkId(request.id());
        if (Files.exists(file(request.id()))) {
            throw new IllegalStateException("a backfill with id '" + request.id() + "' exists already ("
                    + file(request.id()) + ")");
        }
        BackfillRecord r = BackfillRecord.queued(request, now);
        save(r);
        return r;
    }

    /** Writes the record (replacing the one with its id). */
    public synchronized void save(BackfillRecord record) {
        try {
            Files.createDirectories(directory);
            DurableFiles.replace(file(record.id()),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(record)).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the backfill record " + file(record.id()), e);
        }
    }

    /** The record with this id, if any. */
    public Optional<BackfillRecord> find(String id) {
        Path f = file(id);
        return Files.exists(f) ? Optional.of(read(f)) : Optional.empty();
    }

    /** Every record, oldest request first. */
    public List<BackfillRecord> list() {
        List<BackfillRecord> out = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path f : files) {
                out.add(read(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the backfill records in " + directory, e);
        }
        out.sort(Comparator.comparing(BackfillRecord::requestedAt).thenComparing(BackfillRecord::id));
        return out;
    }

    private static BackfillRecord read(Path f) {
        try {
            return fromJson(JSON.readTree(f.toFile()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the backfill record " + f + " cannot be read (" + e.getMessage()
                    + "); fix or delete it", e);
        }
    }

    /** The stored form of a record. */
    public static ObjectNode toJson(BackfillRecord r) {
        BackfillRequest q = r.request();
        ObjectNode n = JSON.createObjectNode();
        n.put("id", q.id());
        n.put("table", q.table().toString());
        n.put("where", q.where().orElse(null));
        ArrayNode keys = n.putArray("keys");
        q.keys().forEach(k -> strings(keys.addArray(), k));
        strings(n.putArray("sinks"), q.sinks().stream().sorted().toList());
        if (q.resumeAfter().isPresent()) {
            strings(n.putArray("resume_after"), q.resumeAfter().get());
        } else {
            n.putNull("resume_after");
        }
        n.put("state", r.state().tag());
        n.put("rows", r.rows());
        n.put("rows_estimated", r.rowsEstimated());
        n.put("error", r.error().orElse(null));
        n.put("requested_at", r.requestedAt().toString());
        n.put("updated_at", r.updatedAt().toString());
        return n;
    }

    /** A record from its stored form. */
    public static BackfillRecord fromJson(JsonNode n) {
        List<List<String>> keys = new ArrayList<>();
        n.path("keys").forEach(k -> keys.add(strings(k)));
        Optional<List<String>> resume = n.path("resume_after").isArray() ? Optional.of(strings(n.get("resume_after")))
                : Optional.empty();
        Set<String> sinks = new LinkedHashSet<>(strings(n.path("sinks")));
        BackfillRequest q = new BackfillRequest(n.path("id").asText(), TableId.parse(n.path("table").asText()),
                text(n, "where"), keys, sinks, resume);
        return new BackfillRecord(q, BackfillState.ofTag(n.path("state").asText("queued")), n.path("rows").asLong(),
                n.path("rows_estimated").asLong(-1), text(n, "error"), Instant.parse(n.path("requested_at").asText()),
                Instant.parse(n.path("updated_at").asText()));
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static void strings(ArrayNode into, List<String> values) {
        values.forEach(into::add);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
