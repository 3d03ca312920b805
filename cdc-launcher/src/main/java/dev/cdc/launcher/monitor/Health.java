package dev.cdc.launcher.monitor;

import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A pipeline's health, as {@code /health} reports it.
 *
 * <ul>
 *   <li>{@code UP} (HTTP 200): CREATED, STARTING or RUNNING, and no sink above the lag alert threshold</li>
 *   <li>{@code DEGRADED} (HTTP 200): as UP, but some sink's lag is above {@code metrics.lag-alert-threshold},
 *   a sink's target is unreachable (from its first failed attempt: {@code problems} names the sink and
 *   since when), a sink is detached, or the source waits on a sink's lane; still 200 because the
 *   pipeline works and restarting it would not help</li>
 *   <li>{@code DOWN} (HTTP 503): STOPPING, STOPPED, COMPLETED or FAILED</li>
 * </ul>
 *
 * @param status    UP, DEGRADED or DOWN
 * @param state     the pipeline's state
 * @param lagAlerts the sinks above the lag alert threshold
 * @param failure   why the pipeline failed, when it did
 * @param problems  what makes it DEGRADED besides lag alerts, one sentence each
 */
public record Health(Status status, PipelineState state, Set<String> lagAlerts, Optional<String> failure,
                     List<String> problems) {

    /** The three answers of {@code /health}. */
    public enum Status {
        UP, DEGRADED, DOWN
    }

    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(state, "state");
        lagAlerts = Collections.unmodifiableSortedSet(new TreeSet<>(lagAlerts));
        Objects.requireNonNull(failure, "failure");
        problems = List.copyOf(problems);
    }

    public static Health of(PipelineState state, Set<String> lagAlerts, Optional<String> failure) {
        return of(state, lagAlerts, failure, List.of());
    }

    public static Health of(PipelineState state, Set<String> lagAlerts, Optional<String> failure,
                            List<String> problems) {
        Status status = switch (state) {
            case CREATED, STARTING, RUNNING -> lagAlerts.isEmpty() && problems.isEmpty() ? Status.UP : Status.DEGRADED;
            case STOPPING, STOPPED, COMPLETED, FAILED -> Status.DOWN;
        };
        return new Health(status, state, lagAlerts, failure, problems);
    }

    /** The health of a pipeline with this status and these lag alerts. */
    public static Health of(PipelineStatus status, Set<String> lagAlerts) {
        return of(status.state(), lagAlerts, status.failure(), problems(status));
    }

    /** Outages, detached sinks and a waiting source, in sink order. */
    static List<String> problems(PipelineStatus status) {
        List<String> problems = new ArrayList<>();
        for (PipelineStatus.SinkStatus sink : status.sinks()) {
            sink.outage().ifPresent(o -> problems.add("sink '" + sink.name() + "' cannot reach its target since "
                    + o.since() + " (retrying until it can): " + o.lastError()));
            sink.detached().ifPresent(d -> problems.add("sink '" + sink.name() + "' is detached since " + d.since()
                    + " at position " + d.position() + ": " + d.reason()));
        }
        status.sourceWaitingOn().ifPresent(s -> problems.add("the source is waiting on sink '" + s + "'"));
        problems.addAll(status.warnings());
        return problems;
    }

    /** 200 while UP or DEGRADED, 503 when DOWN. */
    public int httpStatus() {
        return status == Status.DOWN ? 503 : 200;
    }
}
