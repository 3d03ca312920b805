package dev.cdc.api.spi;

import dev.cdc.api.event.Position;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A committed position: every event up to and including it is durable in every sink.
 *
 * @param pipeline the pipeline's name
 * @param position the source position
 * @param savedAt  when it was committed
 * @param metadata extra facts kept with it (events delivered, engine version)
 */
public record Checkpoint(String pipeline, Position position, Instant savedAt, Map<String, String> metadata) {
    public Checkpoint {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(savedAt, "savedAt");
        metadata = Map.copyOf(metadata);
    }
}
