package dev.cdc.launcher;

import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stops a pipeline gracefully on SIGTERM or Ctrl-C (a JVM shutdown hook): asks it to stop (drain
 * the lanes, save the final checkpoint), waits for {@code cdc run} to finish its summary, then
 * ends the JVM with {@code cdc run}'s exit code rather than the signal's (143/130), so a graceful
 * stop exits 0. If the drain does not finish within the shutdown timeout (plus a margin) the
 * exit code is {@link ExitCodes#INTERRUPTED}.
 */
final class SignalStop {

    private static final Duration MARGIN = Duration.ofSeconds(15);

    private final Pipeline pipeline;
    private final PrintWriter err;
    private final Thread hook;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile int exitCode = ExitCodes.INTERRUPTED;
    private volatile boolean signalled;

    private SignalStop(Pipeline pipeline, PrintWriter err) {
        this.pipeline = pipeline;
        this.err = err;
        this.hook = new Thread(this::onSignal, "cdc-signal-stop");
    }

    /** Installs the shutdown hook for {@code pipeline}. */
    static SignalStop install(Pipeline pipeline, PrintWriter err) {
        SignalStop s = new SignalStop(pipeline, err);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** Whether a signal asked for the stop. */
    boolean signalled() {
        return signalled;
    }

    private void onSignal() {
        signalled = true;
        if (!pipeline.state().isTerminal()) {
            PipelineStatus s = pipeline.status();
            long queued = s.sinks().stream().mapToLong(PipelineStatus.SinkStatus::queueDepth).sum();
            synchronized (err) {
                err.println("stopping: draining " + queued + " queued events to " + s.sinks().size()
                        + (s.sinks().size() == 1 ? " sink" : " sinks") + ", then saving the final checkpoint ...");
                err.flush();
            }
            requestStop();
        }
        Duration wait = pipeline.spec().engine().shutdownTimeout().plus(MARGIN);
        boolean done;
        try {
            done = finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            done = false;
        }
        if (!done) {
            synchronized (err) {
                err.println("cdc: the pipeline did not stop within " + wait.toSeconds()
                        + " s; exiting without its final checkpoint");
                err.flush();
            }
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(done ? exitCode : ExitCodes.INTERRUPTED);
    }

    private void requestStop() {
        while (true) {
            try {
                pipeline.stop();
                return;
            } catch (IllegalStateException stillStarting) {
                if (pipeline.state() != PipelineState.STARTING) {
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Called by {@code cdc run} once it has printed its summary: hands over the exit code. Without a
     * signal the hook is removed; with one, the hook ends the JVM with {@code code}.
     */
    void finish(int code) {
        exitCode = code;
        finished.countDown();
        if (!signalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shutdownInProgress) {
                // a signal arrived just now: the hook ends the JVM with this exit code
            }
        }
    }
}
