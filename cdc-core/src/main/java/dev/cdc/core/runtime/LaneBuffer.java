package dev.cdc.core.runtime;

import dev.cdc.core.spec.BacklogSettings;
import dev.cdc.core.spec.PipelineStatus;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a lane holds between the ingest stage and its worker: the bounded in-memory
 * {@link LaneQueue} and, once that is full, the lane's on-disk {@link Backlog}. Order is the
 * stream's: once a batch went to disk every later one does too, and the worker takes the memory
 * queue (the older batches) before the disk, so it switches back to memory only when it has read
 * everything on disk. When the backlog's budget (bytes, age of the oldest batch) is spent,
 * {@code when-full} decides: {@code pause} waits here (the source waits), {@code detach} and
 * {@code fail} go to the lane's {@code spent} callback.
 *
 * <p>One producer (the ingest stage's thread) and one consumer (the lane's worker); the switch
 * between memory and disk happens under one lock.
 */
final class LaneBuffer {

    private static final long PAUSE_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Batches for the worker.
     *
     * @param batches in stream order
     * @param records how many backlog records they were read from; 0 when they came from memory
     */
    record Unit(List<LaneBatch> batches, int records) {
        static final Unit NONE = new Unit(List.of(), 0);
    }

    private final LaneQueue queue;
    private final Optional<Backlog> backlog;
    private final BacklogSettings settings;
    private final Clock clock;
    private final Object lock = new Object();
    /** First commit time and hand-over time of each batch in memory, oldest first (for lag and age). */
    private final ArrayDeque<Instant[]> inMemory = new ArrayDeque<>();

    private volatile boolean spilling;
    private volatile boolean paused;
    private boolean endSeen;

    LaneBuffer(int capacity, Optional<Backlog> backlog, BacklogSettings settings, Clock clock) {
        this.queue = new LaneQueue(capacity);
        this.backlog = backlog;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Appends a batch: to memory while there is room and nothing is on disk, else to the backlog;
     * with no backlog, or while its budget is spent under {@code pause}, waits.
     *
     * @param giveUp       asked while waiting: true when the batch should not be queued after all
     * @param whileWaiting run about once a second while waiting
     * @param spent        told why, when the budget is spent and {@code when-full} is detach or fail
     * @return false when it gave up; true when queued, spilled or handed to {@code spent}
     */
    boolean offer(LaneBatch batch, BooleanSupplier giveUp, Runnable whileWaiting, Consumer<String> spent)
            throws InterruptedException, IOException {
        if (backlog.isEmpty()) {
            remember(batch);
            if (queue.offer(batch, giveUp, whileWaiting)) {
                return true;
            }
            forgetNewest();
            return false;
        }
        if (toMemory(batch)) {
            return true;
        }
        byte[] encoded;
        try {
            encoded = BacklogCodec.encode(batch);
        } catch (BacklogCodec.Unspillable e) {
            encoded = null;
        }
        long nextTick = System.nanoTime() + PAUSE_TICK_NANOS;
        while (true) {
            Optional<String> overBudget;
            synchronized (lock) {
                if (toMemory(batch)) {
                    return true;
                }
                overBudget = overBudget(encoded == null ? 9 : encoded.length + 9);
                if (overBudget.isEmpty()) {
                    spilling = true;
                    paused = false;
                    backlog.get().append(batch, encoded);
                    return true;
                }
            }
            if (settings.whenFull() != BacklogSettings.WhenFull.PAUSE) {
                spent.accept(overBudget.get());
                return true;
            }
            paused = true;
            if (giveUp.getAsBoolean()) {
                paused = false;
                return false;
            }
            if (System.nanoTime() - nextTick >= 0) {
                whileWaiting.run();
                nextTick = System.nanoTime() + PAUSE_TICK_NANOS;
            }
            Thread.sleep(20);
        }
    }

    /** Queues the batch in memory if nothing is on disk and there is room. */
    private boolean toMemory(LaneBatch batch) {
        synchronized (lock) {
            if (spilling) {
                return false;
            }
            remember(batch); // before the worker can take it, so its release finds it
            if (queue.tryOffer(batch)) {
                return true;
            }
            forgetNewest();
            return false;
        }
    }

    /** Why the backlog cannot take {@code bytes} more; empty when it can. */
    private Optional<String> overBudget(long bytes) {
        Backlog b = backlog.get();
        if (b.bytes() > 0 && b.bytes() + bytes > settings.maxBytes()) {
            return Optional.of("its backlog reached max-bytes (" + b.bytes() + " of " + settings.maxBytes()
                    + " bytes, " + b.events() + " events)");
        }
        if (settings.maxAge().isPresent()) {
            Optional<Instant> oldest = oldestEnqueuedAt();
            if (oldest.isPresent() && Duration.between(oldest.get(), clock.instant()).compareTo(settings.maxAge().get())
                    > 0) {
                return Optional.of("its oldest unacknowledged batch is older than max-age " + settings.maxAge().get()
                        + " (handed to the lane at " + oldest.get() + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * The next unit of work: memory first (it is older), then the backlog.
     *
     * @return the unit; empty when nothing came within {@code wait}; null once the end is reached
     */
    Unit take(int maxEvents, Duration wait) throws InterruptedException, IOException {
        if (!endSeen) {
            List<LaneBatch> memory = queue.take(maxEvents, spilling ? Duration.ZERO : wait);
            if (memory == null) {
                endSeen = true;
            } else if (!memory.isEmpty()) {
                return new Unit(memory, 0);
            }
        }
        if (spilling) {
            List<LaneBatch> disk = backlog.get().read(maxEvents);
            if (!disk.isEmpty()) {
                return new Unit(disk, disk.size());
            }
            synchronized (lock) {
                if (backlog.get().drained() && queue.depth() == 0) {
                    spilling = false;
                    backlog.get().clear();
                }
            }
            return endSeen && !spilling ? null : Unit.NONE;
        }
        return endSeen ? null : Unit.NONE;
    }

    /** The worker is done with a unit. */
    void release(Unit unit) throws IOException {
        if (unit.records() > 0) {
            backlog.get().acknowledge(unit.records());
            return;
        }
        queue.release(unit.batches());
        synchronized (inMemory) {
            for (int i = 0; i < unit.batches().size(); i++) {
                inMemory.pollFirst();
            }
        }
    }

    /** After the last batch. */
    void end() {
        queue.end();
    }

    /** Drops the backlog's files (the lane is detached or gone). */
    void discard() throws IOException {
        if (backlog.isPresent()) {
            synchronized (lock) {
                backlog.get().clear();
                backlog.get().close();
            }
        }
    }

    /** Entries queued in memory or in flight from it. */
    int depth() {
        return queue.depth();
    }

    PipelineStatus.LaneState state() {
        return paused ? PipelineStatus.LaneState.PAUSED
                : spilling ? PipelineStatus.LaneState.CATCHING_UP : PipelineStatus.LaneState.STREAMING;
    }

    /** Events on disk, bytes of the segment files, and the age of the oldest unacknowledged batch. */
    PipelineStatus.Backlog backlogStatus() {
        double age = oldestEnqueuedAt().map(t -> Math.max(0, Duration.between(t, clock.instant()).toMillis() / 1000.0))
                .orElse(0.0);
        return backlog.map(b -> new PipelineStatus.Backlog(b.events(), b.bytes(), age))
                .orElse(new PipelineStatus.Backlog(0, 0, age));
    }

    /** The commit time of the oldest event not acknowledged yet (in memory, in flight or on disk). */
    Optional<Instant> oldestCommitTime() {
        synchronized (inMemory) {
            if (!inMemory.isEmpty()) {
                return Optional.of(inMemory.peekFirst()[0]);
            }
        }
        return backlog.flatMap(Backlog::oldestCommitTime);
    }

    private Optional<Instant> oldestEnqueuedAt() {
        synchronized (inMemory) {
            if (!inMemory.isEmpty()) {
                return Optional.of(inMemory.peekFirst()[1]);
            }
        }
        return backlog.flatMap(Backlog::oldestEnqueuedAt);
    }

    private void remember(LaneBatch batch) {
        synchronized (inMemory) {
            inMemory.addLast(new Instant[] {batch.firstCommitTime(), batch.enqueuedAt()});
        }
    }

    private void forgetNewest() {
        synchronized (inMemory) {
            inMemory.pollLast();
        }
    }
}
