package dev.cdc.core.pipeline;

import dev.cdc.api.event.Position;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A point-in-time view of a running pipeline, for status commands and health checks.
 *
 * @param name               the pipeline
 * @param state              its state
 * @param failure            why it failed, when it did
 * @param eventsCaptured     events the source emitted since start
 * @param checkpoint         the last committed position, if any
 * @param checkpointSavedAt  when it was committed
 * @param sinks              each sink lane
 */
public record PipelineStatus(String name, PipelineState state, Optional<String> failure, long eventsCaptured,
                             Optional<Position> checkpoint, Optional<Instant> checkpointSavedAt,
                             List<SinkStatus> sinks) {

    public PipelineStatus {
        sinks = List.copyOf(sinks);
    }

    /**
     * One sink lane.
     *
     * @param name         the sink's name
     * @param type         its plugin type
     * @param written      events written and acknowledged
     * @param retries      retry attempts made
     * @param failed       events whose retries were spent
     * @param deadLettered events sent to the dead-letter target
     * @param skipped      events skipped by the skip policy
     * @param queueDepth   events waiting in the lane
     * @param lagSeconds   commit time to acknowledgement of the latest event, or of the oldest in flight
     * @param acked        the last position the sink acknowledged
     */
    public record SinkStatus(String name, String type, long written, long retries, long failed, long deadLettered,
                             long skipped, int queueDepth, double lagSeconds, Optional<Position> acked) {
    }
}
