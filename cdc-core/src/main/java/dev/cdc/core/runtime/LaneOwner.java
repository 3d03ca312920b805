package dev.cdc.core.runtime;

import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.api.event.Position;

import java.time.Instant;
import java.util.Optional;

/** What a {@link SinkLane} needs from its pipeline ({@link PipelineHooks} in a running one). */
interface LaneOwner {
    /** True when the pipeline is failing: blocked producers give up and lanes stop taking work. */
    boolean isAborting();

    /** True when the pipeline stops (gracefully or not): a lane waiting at a held schema change gives up. */
    boolean isStopping();

    void laneFailed(SinkLane lane, Throwable cause);

    /** The lane's backlog budget was spent under {@code when-full: detach}: record it, raise the alert. */
    void laneDetached(SinkLane lane, PipelineStatus.Detached detached);

    /** The checkpoint the run resumed from, if any: where a lane that acknowledged nothing stands. */
    Optional<Position> resumedFrom();

    /** Since when the source waits on a full lane (of any sink); empty while it does not. */
    Optional<Instant> sourceWaitingSince();
}
