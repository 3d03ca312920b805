package dev.cdc.core.runtime;

import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.Source;
import dev.cdc.core.metrics.PipelineMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Commits the lowest position that every lane has durably acknowledged: saves it to the
 * checkpoint store, and only after the save returned tells the source (which may then let the
 * database discard its log up to there). Never moves backwards; never passes a lane.
 *
 * <p>{@link #commit()} is called from the coordinator's timer thread and once more at shutdown;
 * it is synchronized so the two never overlap.
 */
final class CheckpointCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);

    private final String pipeline;
    private final CheckpointStore store;
    private final Source source;
    private final List<SinkLane> lanes;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final Consumer<Checkpoint> onCommit;
    private long committedSequence;
    private volatile Checkpoint last;
    private volatile long committedEvents;

    CheckpointCoordinator(String pipeline, CheckpointStore store, Source source, List<SinkLane> lanes,
                          PipelineMetrics metrics, Clock clock, Optional<Checkpoint> restored,
                          Consumer<Checkpoint> onCommit) {
        this.pipeline = pipeline;
        this.store = store;
        this.source = source;
        this.lanes = List.copyOf(lanes);
        this.metrics = metrics;
        this.clock = clock;
        this.onCommit = onCommit;
        this.committedSequence = -1;
        this.last = restored.orElse(null);
        metrics.gauge("cdc.checkpoint.age.seconds", "Seconds since the last committed checkpoint", this,
                CheckpointCoordinator::ageSeconds);
        metrics.gauge("cdc.checkpoint.events", "Events covered by checkpoints committed since start", this,
                c -> c.committedEvents);
    }

    Optional<Checkpoint> last() {
        return Optional.ofNullable(last);
    }

    double ageSeconds() {
        Checkpoint c = last;
        return c == null ? 0 : Duration.between(c.savedAt(), clock.instant()).toMillis() / 1000.0;
    }

    /**
     * Commits if every lane has moved past the last commit.
     *
     * @return true if a new checkpoint was saved
     */
    synchronized boolean commit() {
        long lowest = Long.MAX_VALUE;
        Position position = null;
        for (SinkLane lane : lanes) {
            long acked = lane.ackedSequence();
            if (acked < lowest) {
                lowest = acked;
                position = lane.ackedPosition();
            }
        }
        if (lowest <= committedSequence || position == null) {
            return false;
        }
        Checkpoint checkpoint = new Checkpoint(pipeline, position, clock.instant(),
                Map.of("events-since-start", Long.toString(lowest + 1)));
        try {
            store.save(checkpoint);
        } catch (Exception e) {
            metrics.checkpointFailures.increment();
            LOG.warn("pipeline '{}': could not save the checkpoint at {} to {}; will try again: {}", pipeline, position,
                    store.describe(), e.toString());
            return false;
        }
        committedSequence = lowest;
        committedEvents = lowest + 1;
        last = checkpoint;
        metrics.checkpointCommits.increment();
        LOG.debug("pipeline '{}': checkpoint {}", pipeline, position);
        try {
            source.commit(position);
        } catch (Exception e) {
            LOG.warn("pipeline '{}': the source did not accept commit({}); it will be told again at the next checkpoint: {}",
                    pipeline, position, e.toString());
            committedSequence = lowest - 1;
        }
        onCommit.accept(checkpoint);
        return true;
    }

    /** When the last checkpoint was saved, if ever. */
    Optional<Instant> lastSavedAt() {
        return last().map(Checkpoint::savedAt);
    }
}
