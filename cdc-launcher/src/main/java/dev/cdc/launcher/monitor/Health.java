package dev.cdc.launcher.monitor;

import dev.cdc.core.spec.PipelineState;

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
 *   or some sink holds a schema change for approval ({@code schema-policy: manual}); still 200 because
 *   the pipeline works and restarting it would not help</li>
 *   <li>{@code DOWN} (HTTP 503): STOPPING, STOPPED, COMPLETED or FAILED</li>
 * </ul>
 *
 * @param status    UP, DEGRADED or DOWN
 * @param state     the pipeline's state
 * @param lagAlerts the sinks above the lag alert threshold
 * @param failure   why the pipeline failed, when it did
 * @param schemaHeld each held schema change: the sink, table, version and the command that approves it
 */
public record Health(Status status, PipelineState state, Set<String> lagAlerts, Optional<String> failure,
                     List<String> schemaHeld) {

    /** The three answers of {@code /health}. */
    public enum Status {
        UP, DEGRADED, DOWN
    }

    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(state, "state");
        lagAlerts = Collections.unmodifiableSortedSet(new TreeSet<>(lagAlerts));
        Objects.requireNonNull(failure, "failure");
        schemaHeld = List.copyOf(schemaHeld);
    }

    public static Health of(PipelineState state, Set<String> lagAlerts, Optional<String> failure) {
        return of(state, lagAlerts, failure, List.of());
    }

    public static Health of(PipelineState state, Set<String> lagAlerts, Optional<String> failure,
                            List<String> schemaHeld) {
        Status status = switch (state) {
            case CREATED, STARTING, RUNNING -> lagAlerts.isEmpty() && schemaHeld.isEmpty() ? Status.UP : Status.DEGRADED;
            case STOPPING, STOPPED, COMPLETED, FAILED -> Status.DOWN;
        };
        return new Health(status, state, lagAlerts, failure, schemaHeld);
    }

    /** 200 while UP or DEGRADED, 503 when DOWN. */
    public int httpStatus() {
        return status == Status.DOWN ? 503 : 200;
    }
}
