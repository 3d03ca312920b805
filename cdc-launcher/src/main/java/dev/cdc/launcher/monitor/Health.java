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
 *   since when), a sink is detached, the source waits on a sink's lane, or some sink holds a schema
 *   change for approval ({@code schema-policy: manual}); still 200 because the pipeline works and
 *   restarting it would not help</li>
 *   <li>{@code DOWN} (HTTP 503): STOPPING, STOPPED, COMPLETED or FAILED</li>
 * </ul>
 *
 * @param status     UP, DEGRADED or DOWN
 * @param state      the pipeline's state
 * @param lagAlerts  the sinks above the lag alert threshold
 * @param failure    why the pipeline failed, when it did
 * @param problems   what makes it DEGRADED besides lag alerts and held schema changes, one sentence each
 * @param schemaHeld each held schema change: the sink, table, version and the command that approves it
 */
public record Health(Status status, PipelineState state, Set<String> lagAlerts, Optional<String> failure,
                     List<String> problems, List<String> schemaHeld) {

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
        schemaHeld = List.copyOf(schemaHeld);
    }

    public static Health of(PipelineState state, Set<String> lagAlerts, Optional<String> failure) {
        return of(state, lagAlerts, failure, List.of(), List.of());
    }

    public static Health of(PipelineState state, Set<String> lagAlerts, Optional<String> failure,
                            List<String> problems, List<String> schemaHeld) {
        Status status = switch (state) {
            case CREATED, STARTING, RUNNING -> lagAlerts.isEmpty() && problems.isEmpty() && schemaHeld.isEmpty()
                    ? Status.UP : Status.DEGRADED;
            case STOPPING, STOPPED, COMPLETED, FAILED -> Status.DOWN;
        };
        return new Health(status, state, lagAlerts, failure, problems, schemaHeld);
    }

    /** The health of a pipeline with this status and these lag alerts. */
    public static Health of(PipelineStatus status, Set<String> lagAlerts) {
        return of(status.state(), lagAlerts, status.failure(), problems(status), schemaHeld(status));
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

    /** The schema changes held for approval, each with the commands that decide it, in sink order. */
    static List<String> schemaHeld(PipelineStatus status) {
        return status.sinks().stream()
                .flatMap(k -> k.schemaChanges().held().stream())
                .map(h -> h.describe() + "; approve: " + h.approveCommand() + "; reject: " + h.rejectCommand())
                .toList();
    }

    /** 200 while UP or DEGRADED, 503 when DOWN. */
    public int httpStatus() {
        return status == Status.DOWN ? 503 : 200;
    }
}
