package dev.cdc.launcher.monitor;

import dev.cdc.core.spec.PipelineState;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A pipeline's health, as {@code /health} reports it.
 *
 * <ul>
 *   <li>{@code UP} (HTTP 200): CREATED, STARTING or RUNNING, and no sink above the lag alert threshold</li>
 *   <li>{@code DEGRADED} (HTTP 200): as UP, but some sink's lag is above {@code metrics.lag-alert-threshold};
 *   still 200 because the pipeline works and restarting it would not help</li>
 *   <li>{@code DOWN} (HTTP 503): STOPPING, STOPPED, COMPLETED or FAILED</li>
 * </ul>
 *
 * @param status    UP, DEGRADED or DOWN
 * @param state     the pipeline's state
 * @param lagAlerts the sinks above the lag alert threshold
 * @param failure   why the pipeline failed, when it did
 */
public record Health(Status status, PipelineState state, Set<String> lagAlerts, Optional<String> failure) {

    /** The three answers of {@code /health}. */
    public enum Status {
        UP, DEGRADED, DOWN
    }

    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(state, "state");
        lagAlerts = Collections.unmodifiableSortedSet(new TreeSet<>(lagAlerts));
        Objects.requireNonNull(failure, "failure");
    }

    public static Health of(PipelineState state, Set<String> lagAlerts, Optional<String> failure) {
        Status status = switch (state) {
            case CREATED, STARTING, RUNNING -> lagAlerts.isEmpty() ? Status.UP : Status.DEGRADED;
            case STOPPING, STOPPED, COMPLETED, FAILED -> Status.DOWN;
        };
        return new Health(status, state, lagAlerts, failure);
    }

    /** 200 while UP or DEGRADED, 503 when DOWN. */
    public int httpStatus() {
        return status == Status.DOWN ? 503 : 200;
    }
}
