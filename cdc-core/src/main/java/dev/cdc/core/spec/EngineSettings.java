package dev.cdc.core.spec;

import java.time.Duration;
import java.util.Objects;

/**
 * Engine-wide settings ({@code engine:} in YAML).
 *
 * @param batchSize          default most events per sink write
 * @param queueCapacity      default most events waiting in each sink lane
 * @param checkpointInterval how often the checkpoint coordinator commits
 * @param shutdownTimeout    how long a graceful stop may take to drain before it gives up
 * @param flushInterval      how long an idle lane waits for events before it looks again (a lane
 *                           writes and flushes each batch as soon as it has one)
 */
public record EngineSettings(int batchSize, int queueCapacity, Duration checkpointInterval, Duration shutdownTimeout,
                             Duration flushInterval) {

    public static final EngineSettings DEFAULT = new EngineSettings(1024, 16_384, Duration.ofSeconds(1),
            Duration.ofSeconds(30), Duration.ofMillis(200));

    public EngineSettings {
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (batchSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("batch-size and queue-capacity must be >= 1");
        }
    }
}
