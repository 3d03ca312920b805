package dev.cdc.testkit.source;

import dev.cdc.api.spi.Source;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link Source} on its own thread the way the engine does: {@code open}, then
 * {@code run} until the context asks it to stop; {@link #close()} stops it, interrupts it when
 * it does not stop in time, and closes the source.
 *
 * <p>{@link #start} returns once {@code open} returned, so changes made after it are expected
 * to be captured: a source must have fixed where it starts reading by the end of {@code open}.
 * The methods are meant for the one test thread that started the runner.
 */
public final class SourceRunner implements AutoCloseable {

    /** How long {@link #close()} waits for a stop before it interrupts the source thread, unless told otherwise. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Source source;
    private final RecordingSourceContext context;
    private final Thread thread;
    private final Duration closeTimeout;
    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile Throwable failure;
    private volatile boolean closed;

    private SourceRunner(Source source, RecordingSourceContext context, Duration closeTimeout) {
        this.source = Objects.requireNonNull(source, "source");
        this.context = Objects.requireNonNull(context, "context");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
        this.thread = new Thread(this::openAndRun, "cdc-testkit-source-" + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
    }

    /** {@link #start(Source, RecordingSourceContext, Duration, Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    public static SourceRunner start(Source source, RecordingSourceContext context, Duration openTimeout)
            throws Exception {
        return start(source, context, openTimeout, DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Starts the source on a new thread and waits until its {@code open} returned.
     *
     * @param closeTimeout how long {@link #close()} waits for {@code run} to return before it interrupts
     * @throws AssertionError when {@code open} failed or did not return within {@code openTimeout}
     */
    public static SourceRunner start(Source source, RecordingSourceContext context, Duration openTimeout,
                                     Duration closeTimeout) throws Exception {
        SourceRunner runner = new SourceRunner(source, context, closeTimeout);
        runner.thread.start();
        if (!runner.opened.await(openTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            runner.close();
            throw new AssertionError("source " + source.getClass().getName() + " did not finish open() within "
                    + openTimeout);
        }
        if (runner.failure != null) {
            Throwable t = runner.failure;
            runner.close();
            throw new AssertionError("source " + source.getClass().getName() + " failed to open: " + t, t);
        }
        return runner;
    }

    private void openAndRun() {
        try {
            source.open(context);
        } catch (Throwable t) {
            fail(t);
            return;
        } finally {
            opened.countDown();
        }
        try {
            source.run(context);
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void fail(Throwable t) {
        failure = t;
        context.sourceFailed(t);
    }

    public RecordingSourceContext context() {
        return context;
    }

    public Source source() {
        return source;
    }

    /** True while {@code open} or {@code run} has not returned. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** What {@code open} or {@code run} threw, if anything. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Asks the source to stop and waits for {@code run} to return, without interrupting it.
     *
     * @return true when {@code run} returned within the timeout
     */
    public boolean stop(Duration timeout) throws InterruptedException {
        context.requestStop();
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /**
     * Stops the source (interrupting it after the close timeout) and closes it; idempotent.
     *
     * @throws AssertionError when the source's {@code close()} fails, or its thread does not end
     *                        even when interrupted
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!stop(closeTimeout)) {
                thread.interrupt();
                thread.join(closeTimeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
        } finally {
            closeSource();
        }
        if (thread.isAlive()) {
            throw new AssertionError("source thread " + thread.getName() + " of " + source.getClass().getName()
                    + " did not end within " + closeTimeout.multipliedBy(2) + ", even when interrupted");
        }
    }

    private void closeSource() {
        try {
            source.close();
        } catch (Exception e) {
            throw new AssertionError("close() of source " + source.getClass().getName() + " failed: " + e, e);
        }
    }
}
