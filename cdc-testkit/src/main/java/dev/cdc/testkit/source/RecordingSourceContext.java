package dev.cdc.testkit.source;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.testkit.fixture.TestPluginContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A {@link SourceContext} that records what a source emits, for tests: it never blocks unless the
 * test {@link #holdEmits() holds} it (a pipeline whose sink is stuck: {@code emit} then waits,
 * running the source's {@code whileWaiting} about once a second as the engine does), has a stop
 * flag, records {@link #retentionAtRisk} warnings, and lets the test wait for events. Backfills:
 * the test {@link #addBackfill adds} requests (a source may {@link #requestBackfill request} its
 * own); {@link #backfillChunk} reports are recorded, and a finished or failed request leaves the
 * list at once (there is no checkpoint here to wait for).
 *
 * <p>{@link #emit} and {@link #snapshotProgress} are called from the source thread; every other
 * method from any thread. A failure of the source reported through {@link #sourceFailed}
 * (as {@link SourceRunner} does) ends every wait at once with that failure as the cause.
 */
public final class RecordingSourceContext implements SourceContext {

    private final String pipelineName;
    private final Optional<Position> resumePosition;
    private final List<StreamEvent> events = new ArrayList<>();
    private final List<SnapshotProgress> progress = new ArrayList<>();
    private final List<String> retentionWarnings = new ArrayList<>();
    private volatile boolean stopping;
    private boolean held;
    private boolean runWhileWaiting = true;
    private int waitingEmits;
    private int whileWaitingRuns;
    private Throwable failure;
    private final List<BackfillRequest> backfills = new ArrayList<>();
    private final List<String> backfillIds = new ArrayList<>();
    private final List<BackfillChunk> backfillChunks = new ArrayList<>();
    private final List<String> backfillFailures = new ArrayList<>();

    /** A {@link #backfillChunk} report. */
    public record BackfillChunk(String id, List<String> lastKey, Position at, long rows, long rowsEstimated,
                                boolean finished) {
    }

    public RecordingSourceContext(String pipelineName, Optional<Position> resumePosition) {
        this.pipelineName = Objects.requireNonNull(pipelineName, "pipelineName");
        this.resumePosition = Objects.requireNonNull(resumePosition, "resumePosition");
    }

    /** A first start: no resume position. */
    public static RecordingSourceContext fresh() {
        return new RecordingSourceContext(TestPluginContext.PIPELINE, Optional.empty());
    }

    /** A restart after a checkpoint at {@code position}. */
    public static RecordingSourceContext resumingAfter(Position position) {
        return new RecordingSourceContext(TestPluginContext.PIPELINE, Optional.of(position));
    }

    @Override
    public String pipelineName() {
        return pipelineName;
    }

    @Override
    public Optional<Position> resumePosition() {
        return resumePosition;
    }

    @Override
    public void emit(List<? extends StreamEvent> batch) throws InterruptedException {
        emit(batch, () -> { });
    }

    /** Records the batch; while {@link #holdEmits held}, first waits, running {@code whileWaiting} about once a second. */
    @Override
    public void emit(List<? extends StreamEvent> batch, Runnable whileWaiting) throws InterruptedException {
        while (true) {
            synchronized (this) {
                if (!held || stopping) {
                    events.addAll(List.copyOf(batch));
                    notifyAll();
                    return;
                }
                waitingEmits++;
                notifyAll();
                try {
                    wait(1000);
                } finally {
                    waitingEmits--;
                }
                if (!held || stopping) {
                    continue;
                }
                if (!runWhileWaiting) {
                    continue;
                }
                whileWaitingRuns++;
            }
            whileWaiting.run();
        }
    }

    /** From now on {@code emit} blocks (as behind a stuck sink) until {@link #releaseEmits()}. */
    public void holdEmits() {
        holdEmits(true);
    }

    /**
     * Like {@link #holdEmits()}; with {@code runWhileWaiting} false the source's
     * {@code whileWaiting} is not run (an engine that gives the source no chance to answer its
     * server: for a test's control case).
     */
    public synchronized void holdEmits(boolean runWhileWaiting) {
        this.runWhileWaiting = runWhileWaiting;
        held = true;
    }

    /** Lets held and later emits through. */
    public synchronized void releaseEmits() {
        held = false;
        notifyAll();
    }

    /** True while the source thread waits in a held {@code emit}. */
    public synchronized boolean isWaitingToEmit() {
        return waitingEmits > 0;
    }

    /** How often a held {@code emit} ran the source's {@code whileWaiting}. */
    public synchronized int whileWaitingRuns() {
        return whileWaitingRuns;
    }

    @Override
    public synchronized void retentionAtRisk(String reason) {
        retentionWarnings.add(Objects.requireNonNull(reason, "reason"));
        notifyAll();
    }

    /** The reasons the source gave {@link #retentionAtRisk}, in order. */
    public synchronized List<String> retentionWarnings() {
        return List.copyOf(retentionWarnings);
    }

    @Override
    public boolean isStopping() {
        return stopping;
    }

    @Override
    public synchronized void snapshotProgress(SnapshotProgress p) {
        progress.add(p);
    }

    /** Queues a backfill, as the engine does for {@code cdc backfill}. */
    public synchronized void addBackfill(BackfillRequest request) {
        requestBackfill(request);
    }

    @Override
    public synchronized List<BackfillRequest> backfills() {
        return List.copyOf(backfills);
    }

    @Override
    public synchronized void requestBackfill(BackfillRequest request) {
        if (!backfillIds.contains(request.id())) {
            backfillIds.add(request.id());
            backfills.add(request);
        }
    }

    @Override
    public synchronized void backfillChunk(String id, List<String> lastKey, Position at, long rows, long rowsEstimated,
                                           boolean finished) {
        backfillChunks.add(new BackfillChunk(id, List.copyOf(lastKey), at, rows, rowsEstimated, finished));
        if (finished) {
            backfills.removeIf(r -> r.id().equals(id));
        }
        notifyAll();
    }

    @Override
    public synchronized void backfillFailed(String id, String reason) {
        backfillFailures.add(id + ": " + reason);
        backfills.removeIf(r -> r.id().equals(id));
        notifyAll();
    }

    /** Every id ever requested (added or requested by the source), in order. */
    public synchronized List<String> backfillIds() {
        return List.copyOf(backfillIds);
    }

    public synchronized List<BackfillChunk> backfillChunks() {
        return List.copyOf(backfillChunks);
    }

    /**
     * Waits until no backfill is left to run (every one finished or failed).
     *
     * @throws AssertionError on timeout (naming the ones left) or when the source failed
     */
    public synchronized void awaitBackfillsDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!backfills.isEmpty()) {
            if (failure != null) {
                throw new AssertionError("the source failed with backfills left: " + failure, failure);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("backfills still running after " + timeout + ": " + backfills);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** {@code "<id>: <reason>"} per failed backfill. */
    public synchronized List<String> backfillFailures() {
        return List.copyOf(backfillFailures);
    }

    /** Asks the source to stop: {@link #isStopping()} turns true. */
    public void requestStop() {
        stopping = true;
        synchronized (this) {
            notifyAll();
        }
    }

    /** Records that the source failed; wakes every waiting thread. */
    public synchronized void sourceFailed(Throwable t) {
        failure = t;
        notifyAll();
    }

    /** Everything emitted so far, in order. */
    public synchronized List<StreamEvent> events() {
        return List.copyOf(events);
    }

    /** The change events emitted so far, in order. */
    public synchronized List<ChangeEvent> changeEvents() {
        return events.stream().filter(ChangeEvent.class::isInstance).map(ChangeEvent.class::cast).toList();
    }

    /** The snapshot progress reported so far. */
    public synchronized List<SnapshotProgress> snapshotProgress() {
        return List.copyOf(progress);
    }

    /**
     * Waits until at least {@code n} events were emitted.
     *
     * @return every event emitted so far (at least {@code n})
     * @throws AssertionError on timeout (listing what arrived) or when the source failed
     */
    public List<StreamEvent> awaitEvents(int n, Duration timeout) throws InterruptedException {
        return awaitMatching(StreamEvent.class, e -> true, n, timeout);
    }

    /**
     * Waits until at least {@code n} change events matching {@code which} were emitted.
     *
     * @return the matching change events emitted so far, in order
     * @throws AssertionError on timeout (listing what arrived) or when the source failed
     */
    public List<ChangeEvent> awaitChanges(Predicate<? super ChangeEvent> which, int n, Duration timeout)
            throws InterruptedException {
        return awaitMatching(ChangeEvent.class, which, n, timeout);
    }

    private synchronized <E extends StreamEvent> List<E> awaitMatching(Class<E> type, Predicate<? super E> which,
                                                                       int n, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<E> matching = events.stream().filter(type::isInstance).map(type::cast).filter(which).toList();
            if (matching.size() >= n) {
                return matching;
            }
            if (failure != null) {
                throw new AssertionError("the source failed after emitting " + matching.size() + " of the " + n
                        + " expected event(s): " + failure, failure);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected at least " + n + " event(s) within " + timeout + " but got "
                        + matching.size() + ": " + matching);
            }
            long millis = Math.max(1, left / 1_000_000);
            wait(millis);
        }
    }
}
