package dev.cdc.core.runtime;

import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How a pipeline whose source ran out of events ends. A finite run is complete only when every
 * lane delivered everything it holds, in memory and in its on-disk backlog, which can take far
 * longer than {@code shutdown-timeout} (that bounds a stop, whose backlog waits durably for the
 * next start): so the lanes are awaited without a deadline, with their progress logged, until
 * they finish or someone stops or aborts the pipeline. A lane that still holds events at the end
 * makes the run STOPPED, never COMPLETED.
 */
final class CompletionDrain {

    private static final Logger LOG = LoggerFactory.getLogger(CompletionDrain.class);
    private static final long LOG_EVERY_MILLIS = 30_000;

    private CompletionDrain() {
    }

    /** Waits for the lane threads while they run and {@code giveUp} stays false. */
    static void await(String pipeline, List<SinkLane> lanes, List<Thread> laneThreads, BooleanSupplier giveUp)
            throws InterruptedException {
        long nextLog = System.currentTimeMillis() + LOG_EVERY_MILLIS;
        for (Thread t : laneThreads) {
            while (t.isAlive() && !giveUp.getAsBoolean()) {
                t.join(500);
                if (System.currentTimeMillis() >= nextLog) {
                    nextLog = System.currentTimeMillis() + LOG_EVERY_MILLIS;
                    LOG.info("pipeline '{}': the source has no more events; waiting for the sinks to take what they"
                            + " hold: {}", pipeline, undelivered(lanes));
                }
            }
        }
    }

    /** The lanes still holding events (not detached), as {@code name: N events}; empty when none. */
    static String undelivered(List<SinkLane> lanes) {
        StringBuilder out = new StringBuilder();
        for (SinkLane lane : lanes) {
            PipelineStatus.SinkStatus s = lane.status();
            long held = Math.max(s.queueDepth(), s.backlog().events());
            if (held > 0 && s.detached().isEmpty()) {
                out.append(out.isEmpty() ? "" : ", ").append(s.name()).append(": ").append(held).append(" events");
            }
        }
        return out.toString();
    }

    /** COMPLETED only when no lane still holds events; otherwise STOPPED, with what is left logged. */
    static PipelineState finalState(String pipeline, PipelineState end, List<SinkLane> lanes) {
        if (end != PipelineState.COMPLETED) {
            return end;
        }
        String left = undelivered(lanes);
        if (left.isEmpty()) {
            return end;
        }
        LOG.warn("pipeline '{}': the source has no more events, but the sinks were stopped before they took all of"
                + " them ({}); they are delivered from the checkpoint at the next start", pipeline, left);
        return PipelineState.STOPPED;
    }

    /**
     * Waits for a thread of the pipeline until the deadline; one still alive then is interrupted
     * (after {@code abort}: blocked producers give up) and given 5 s more.
     */
    static void join(PipelineSpec spec, Thread t, long deadlineNanos, Runnable abort) throws InterruptedException {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        if (t.isAlive()) {
            LOG.warn("pipeline '{}': {} did not finish within the shutdown timeout of {}; interrupting it",
                    spec.name(), t.getName(), spec.engine().shutdownTimeout());
            abort.run();
            t.interrupt();
            t.join(5_000);
        }
    }
}
