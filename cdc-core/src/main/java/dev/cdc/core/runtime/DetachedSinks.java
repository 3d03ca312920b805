package dev.cdc.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The record of each detached sink in a pipeline's state directory,
 * {@code <state>/detached/<sink>.json}: {@code {"sink": ..., "position": {...}, "sort_key": ...,
 * "detached_at": ..., "reason": ...}}. While it exists, runs skip the sink; {@code cdc reattach}
 * deletes it. Written atomically (temporary file, then rename).
 */
public final class DetachedSinks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;

    /** The records under {@code stateDirectory}. */
    public DetachedSinks(Path stateDirectory) {
        this.directory = stateDirectory.resolve("detached");
    }

    /** The file that marks {@code sink} detached. */
    public Path file(String sink) {
        return directory.resolve(sink + ".json");
    }

    /** The sink's record, when it is detached. */
    public Optional<PipelineStatus.Detached> find(String sink) {
        Path file = file(sink);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            Map<String, String> offsets = new LinkedHashMap<>();
            n.path("position").fields().forEachRemaining(e -> offsets.put(e.getKey(), e.getValue().asText()));
            return Optional.of(new PipelineStatus.Detached(Position.of(offsets, n.path("sort_key").asText()),
                    Instant.parse(n.path("detached_at").asText()), n.path("reason").asText()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the detached-sink record " + file + " cannot be read (" + e.getMessage()
                    + "); fix or delete it (deleting re-attaches the sink)", e);
        }
    }

    /** Marks the sink detached. */
    public void write(String sink, PipelineStatus.Detached detached) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sink", sink);
        ObjectNode position = n.putObject("position");
        detached.position().offsets().forEach(position::put);
        n.put("sort_key", detached.position().sortKey());
        n.put("detached_at", detached.since().toString());
        n.put("reason", detached.reason());
        try {
            Files.createDirectories(directory);
            Path tmp = directory.resolve(sink + ".json.tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
            Files.move(tmp, file(sink), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the detached-sink record " + file(sink), e);
        }
    }

    /**
     * What {@code cdc reattach} did.
     *
     * @param detached   the record it deleted
     * @param checkpoint the pipeline's checkpoint now: where the sink starts again
     */
    public record Reattached(PipelineStatus.Detached detached, Optional<Checkpoint> checkpoint) {
    }

    /**
     * Re-attaches a detached sink of a pipeline that is not running: deletes its record, so the
     * next run delivers to it again from the pipeline's checkpoint on.
     *
     * @return what was deleted and the checkpoint; empty when the sink was not detached
     * @throws IllegalArgumentException when the pipeline has no such sink or no state directory
     */
    public static Optional<Reattached> reattach(PipelineSpec spec, String sink) throws Exception {
        if (spec.sinks().stream().noneMatch(s -> s.name().equals(sink))) {
            throw new IllegalArgumentException("pipeline '" + spec.name() + "' has no sink '" + sink + "' (its sinks: "
                    + String.join(", ", spec.sinks().stream().map(s -> s.name()).toList()) + ")");
        }
        Path state = spec.stateDirectory().orElseThrow(() -> new IllegalArgumentException("pipeline '" + spec.name()
                + "' has no state directory (its checkpoint store is not 'file'), so no sink of it stays detached "
                + "across runs"));
        DetachedSinks records = new DetachedSinks(state);
        Optional<PipelineStatus.Detached> detached = records.find(sink);
        if (detached.isEmpty()) {
            return Optional.empty();
        }
        PluginContexts contexts = new PluginContexts(spec.name(), new SimpleMeterRegistry(), Clock.systemUTC(),
                spec.stateDirectory());
        Optional<Checkpoint> checkpoint;
        try (CheckpointStore store = spec.checkpoint().create(contexts.of(spec.checkpoint()))) {
            checkpoint = store.load();
        }
        records.delete(sink);
        return Optional.of(new Reattached(detached.get(), checkpoint));
    }

    /** Re-attaches the sink: deletes its record. True when there was one. */
    public boolean delete(String sink) {
        try {
            return Files.deleteIfExists(file(sink));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the detached-sink record " + file(sink), e);
        }
    }
}
