package dev.cdc.core.spec;

import dev.cdc.api.event.TableId;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Engine-wide settings ({@code engine:} in YAML).
 *
 * @param batchSize          default most events per sink write
 * @param queueCapacity      default most events waiting in each sink lane
 * @param checkpointInterval how often the checkpoint coordinator commits
 * @param shutdownTimeout    how long a graceful stop may take to drain before it gives up
 * @param flushInterval      how long an idle lane waits for events before it looks again (a lane
 *                           writes and flushes each batch as soon as it has one)
 * @param signalTable        the captured table whose inserts ask for backfills (its events reach no
 *                           sink), when there is one
 */
public record EngineSettings(int batchSize, int queueCapacity, Duration checkpointInterval, Duration shutdownTimeout,
                             Duration flushInterval, Optional<TableId> signalTable) {

    public static final EngineSettings DEFAULT = new EngineSettings(1024, 16_384, Duration.ofSeconds(1),
            Duration.ofSeconds(30), Duration.ofMillis(200));

    /** Settings without a signal table. */
    public EngineSettings(int batchSize, int queueCapacity, Duration checkpointInterval, Duration shutdownTimeout,
                          Duration flushInterval) {
        this(batchSize, queueCapacity, checkpointInterval, shutdownTimeout, flushInterval, Optional.empty());
    }

    /** The same settings with this signal table. */
    public EngineSettings withSignalTable(TableId table) {
        return new EngineSettings(batchSize, queueCapacity, checkpointInterval, shutdownTimeout, flushInterval,
                Optional.of(table));
    }

    public EngineSettings {
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(flushInterval, "flushInterval");
        Objects.requireNonNull(signalTable, "signalTable");
        if (batchSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("batch-size and queue-capacity must be >= 1");
        }
    }
}
