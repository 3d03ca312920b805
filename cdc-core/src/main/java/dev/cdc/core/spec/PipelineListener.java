package dev.cdc.core.spec;

import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.SnapshotProgress;

import java.time.Duration;

/**
 * Hooks for code that embeds or runs a pipeline: state changes, checkpoints, lag alerts and
 * snapshot progress. Called from engine threads; implementations must be quick and thread-safe.
 * Every method does nothing by default.
 */
public interface PipelineListener {

    default void onStateChange(PipelineState from, PipelineState to) {
    }

    default void onCheckpoint(Checkpoint checkpoint) {
    }

    /** A sink's lag went above the configured threshold ({@code metrics.lag-alert-threshold}). */
    default void onLagAlert(String sink, Duration lag, Duration threshold) {
    }

    /** A sink's lag came back under the threshold. */
    default void onLagRecovered(String sink, Duration lag) {
    }

    default void onSnapshotProgress(SnapshotProgress progress) {
    }

    /**
     * A sink was detached (its backlog budget was spent under {@code when-full: detach}, or the
     * source's position was at risk): it is out of the checkpoint and misses every change after
     * {@code detached.position()} until it is re-attached.
     */
    default void onSinkDetached(String sink, PipelineStatus.Detached detached) {
    }
}
