package dev.cdc.core.runtime;

import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.schema.SchemaGate;

/**
 * A lane's gauges: {@code cdc.sink.queue.depth}, {@code cdc.sink.lag.seconds},
 * {@code cdc.sink.outage.seconds}, {@code cdc.sink.backlog.bytes}, {@code .events},
 * {@code .age.seconds}, {@code cdc.sink.schema.pending}, and {@code cdc.sink.state} (0 streaming, 1 catching-up, 2 paused, 3 detached).
 */
final class LaneGauges {

    private LaneGauges() {
    }

    static void register(PipelineMetrics.SinkMetrics m, SinkLane lane, SchemaGate gate) {
        m.gauge("cdc.sink.queue.depth", "Events waiting in the sink's in-memory queue", lane, l -> l.buffer().depth());
        m.gauge("cdc.sink.lag.seconds", "Commit time of the oldest event the sink holds unacknowledged (or of the "
                + "last acknowledged one) to now", lane, SinkLane::lagSeconds);
        m.gauge("cdc.sink.outage.seconds", "How long the sink's target has been unreachable; 0 when it is not",
                lane.stats(), LaneStats::outageSeconds);
        m.gauge("cdc.sink.backlog.bytes", "Bytes of the sink's on-disk backlog", lane,
                l -> l.buffer().backlogStatus().bytes());
        m.gauge("cdc.sink.backlog.events", "Events in the sink's on-disk backlog", lane,
                l -> l.buffer().backlogStatus().events());
        m.gauge("cdc.sink.backlog.age.seconds", "Age of the oldest batch the sink has not acknowledged", lane,
                l -> l.buffer().backlogStatus().ageSeconds());
        m.gauge("cdc.sink.schema.pending", "Schema changes held for approval", gate, g -> g.held().size());
        m.gauge("cdc.sink.state", "0 streaming, 1 catching-up, 2 paused, 3 detached", lane, l -> l.state().ordinal());
    }
}
