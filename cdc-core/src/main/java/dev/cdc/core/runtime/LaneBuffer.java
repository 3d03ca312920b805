package dev.cdc.core.runtime;

import dev.cdc.core.spec.BacklogSettings;
import dev.cdc.core.spec.PipelineStatus;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a lane holds between the ingest stage and its worker, in stream order: batches in memory
 * (bounded in entries: the room is freed once the worker has handled them) and, while that memory
 * is full, runs of batches in the lane's on-disk {@link Backlog}. A run is a marker in the queue
 * that says "read the next n records from disk here", so the worker handles everything in exactly
 * the order the source emitted it, and a lane that was behind for a moment goes back to memory as
 * soon as there is room. When the backlog's budget (bytes, age of the oldest batch) is spent,
 * {@code when-full} decides: {@code pause} waits here (the source waits), {@code detach} and
 * {@code fail} go to the lane's {@code spent} callback. Without a backlog a full lane makes the
 * source wait.
 *
 * <p>One producer (the ingest stage's thread) and one consumer (the lane's worker).
 */
final class LaneBuffer {

    private static final Object END = new Object();
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Batches for the worker.
     *
     * @param batches in stream order
     * @param records how many backlog records they were read from; 0 when they came from memory
     */
    record Unit(List<LaneBatch> batches, int records) {
        static final Unit NONE = new Unit(List.of(), 0);
    }

    /**
     * Records appended to the backlog in a row; closed once a later batch went to memory. Records
     * handed to the spill writer and not yet written are pending: the reader waits for them.
     */
    private static final class DiskRun {
        int records;
        int pending;
        boolean closed;
    }

    /** Disk bytes per event assumed for batches handed over but not written yet, before any was written. */
    private static final long FIRST_ESTIMATE = 512;

    private final int capacity;
    private final Semaphore permits;
    private final LinkedBlockingQueue<Object> items = new LinkedBlockingQueue<>();
    private final Optional<Backlog> backlog;
    private final Optional<SpillWriter> writer;
    private final BacklogSettings settings;
    private final Clock clock;
    private final Object lock = new Object();
    /** First commit time and hand-over time of each batch in memory, oldest first (for lag and age). */
    private final ArrayDeque<Instant[]> inMemory = new ArrayDeque<>();

    /** The run of each batch handed to the spill writer and not written yet, oldest first. */
    private final ArrayDeque<DiskRun> pendingRuns = new ArrayDeque<>();
    private DiskRun openRun;
    private DiskRun readRun;
    private int readInRun;
    /** Events handed to the spill writer and not written yet (under the lock). */
    private long pendingEvents;
    private boolean discarded;
    private volatile boolean paused;

    LaneBuffer(int capacity, Optional<Backlog> backlog, BacklogSettings settings, Clock clock) {
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
        this.backlog = backlog;
        this.writer = backlog.map(b -> new SpillWriter(b.directory().getFileName().toString(), this::written));
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Appends a batch: to memory when there is room, else to the backlog; waits while there is
     * neither (no backlog, or its budget spent under {@code pause}).
     *
     * @param giveUp       asked while waiting: true when the batch should not be queued after all
     * @param whileWaiting run about once a second while waiting
     * @param spent        told why, when the budget is spent and {@code when-full} is detach or fail
     * @return false when it gave up; true when queued, spilled or handed to {@code spent}
     */
    boolean offer(LaneBatch batch, BooleanSupplier giveUp, Runnable whileWaiting, Consumer<String> spent)
            throws InterruptedException, IOException {
        long nextTick = System.nanoTime() + TICK_NANOS;
        while (true) {
            if (toMemory(batch)) {
                return true;
            }
            if (backlog.isPresent()) {
                writer.get().check();
                Optional<String> overBudget;
                synchronized (lock) {
                    if (toMemory(batch)) {
                        return true;
                    }
                    overBudget = overBudget(batch.entries().size());
                    if (overBudget.isEmpty()) {
                        toDisk(batch);
                    }
                }
                if (overBudget.isEmpty()) {
                    writer.get().submit(batch); // outside the lock: it may wait for the writer
                    return true;
                }
                if (settings.whenFull() != BacklogSettings.WhenFull.PAUSE) {
                    spent.accept(overBudget.get());
                    return true;
                }
                paused = true;
            }
            if (giveUp.getAsBoolean()) {
                paused = false;
                return false;
            }
            if (System.nanoTime() - nextTick >= 0) {
                whileWaiting.run();
                nextTick = System.nanoTime() + TICK_NANOS;
            }
            if (permits.tryAcquire(weight(batch), 20, TimeUnit.MILLISECONDS)) {
                permits.release(weight(batch)); // room now: take it under the lock on the next round
            }
        }
    }

    /** Queues the batch in memory if there is room. */
    private boolean toMemory(LaneBatch batch) {
        synchronized (lock) {
            if (!permits.tryAcquire(weight(batch))) {
                return false;
            }
            synchronized (inMemory) {
                inMemory.addLast(new Instant[] {batch.firstCommitTime(), batch.enqueuedAt()});
            }
            if (openRun != null) {
                openRun.closed = true;
                openRun = null;
            }
            items.add(batch);
            paused = false;
            return true;
        }
    }

    /**
     * Puts the batch in the open disk run or a new one, as pending: the spill writer appends it to
     * the backlog in hand-over order ({@link #written}). Under the lock.
     */
    private void toDisk(LaneBatch batch) {
        if (openRun == null) {
            openRun = new DiskRun();
            items.add(openRun);
        }
        openRun.pending++;
        pendingEvents += batch.entries().size();
        pendingRuns.addLast(openRun);
        paused = false;
    }

    /** The spill writer appended the oldest pending batch: it can be read now. Spill thread. */
    private void written(LaneBatch batch, byte[] encoded, int length) throws IOException {
        synchronized (lock) {
            if (discarded) {
                return;
            }
            backlog.get().append(batch, encoded, length);
            DiskRun run = pendingRuns.pollFirst();
            run.pending--;
            run.records++;
            pendingEvents -= batch.entries().size();
        }
    }

    /**
     * Why the backlog cannot take a batch of {@code events} more; empty when it can. What is handed
     * to the spill writer and not written yet counts at the bytes per event written so far.
     */
    private Optional<String> overBudget(int events) {
        Backlog b = backlog.get();
        long perEvent = b.events() > 0 ? Math.max(1, b.bytes() / b.events()) : FIRST_ESTIMATE;
        long bytes = b.bytes() + pendingEvents * perEvent;
        if (bytes > 0 && bytes + events * perEvent > settings.maxBytes()) {
            return Optional.of("its backlog reached max-bytes (" + bytes + " of " + settings.maxBytes()
                    + " bytes, " + (b.events() + pendingEvents) + " events)");
        }
        return overAge();
    }

    /** Why the oldest unacknowledged batch is too old for {@code max-age}; empty when it is not. */
    Optional<String> overAge() {
        Optional<Instant> oldest = oldestEnqueuedAt();
        if (settings.maxAge().isPresent() && oldest.isPresent()
                && Duration.between(oldest.get(), clock.instant()).compareTo(settings.maxAge().get()) > 0) {
            return Optional.of("its oldest unacknowledged batch is older than max-age " + settings.maxAge().get()
                    + " (handed to the lane at " + oldest.get() + ")");
        }
        return Optional.empty();
    }

    /**
     * The next unit of work, in stream order: memory batches up to {@code maxEvents} entries (at
     * least one batch), or records of the disk run that comes next.
     *
     * @return the unit; empty when nothing came within {@code wait}; null once the end is reached
     */
    Unit take(int maxEvents, Duration wait) throws InterruptedException, IOException {
        if (readRun != null) {
            int available;
            boolean closed;
            synchronized (lock) {
                available = readRun.records - readInRun;
                closed = readRun.closed && readRun.pending == 0;
            }
            if (available > 0) {
                List<LaneBatch> disk = backlog.get().read(maxEvents, available);
                readInRun += disk.size();
                return new Unit(disk, disk.size());
            }
            if (!closed) {
                writer.get().check(); // a failed write: what is pending never comes
                Thread.sleep(Math.min(5, Math.max(1, wait.toMillis())));
                return Unit.NONE;
            }
            readRun = null;
        }
        Object first = items.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
            return Unit.NONE;
        }
        if (first == END) {
            return null;
        }
        if (first instanceof DiskRun run) {
            readRun = run;
            readInRun = 0;
            return Unit.NONE;
        }
        List<LaneBatch> unit = new ArrayList<>();
        unit.add((LaneBatch) first);
        int events = ((LaneBatch) first).entries().size();
        while (events < maxEvents && items.peek() instanceof LaneBatch next
                && events + next.entries().size() <= maxEvents) {
            items.poll();
            unit.add(next);
            events += next.entries().size();
        }
        return new Unit(unit, 0);
    }

    /** The worker is done with a unit. */
    void release(Unit unit) throws IOException {
        if (unit.records() > 0) {
            backlog.get().acknowledge(unit.records());
            return;
        }
        for (LaneBatch b : unit.batches()) {
            permits.release(weight(b));
        }
        synchronized (inMemory) {
            for (int i = 0; i < unit.batches().size(); i++) {
                inMemory.pollFirst();
            }
        }
    }

    /** After the last batch: the worker takes what is queued (and on disk), then {@link #take} returns null. */
    void end() {
        synchronized (lock) {
            if (openRun != null) {
                openRun.closed = true;
                openRun = null;
            }
            items.add(END);
        }
    }

    /** Drops the backlog's files (the lane is detached or gone). */
    void discard() throws IOException {
        if (backlog.isPresent()) {
            writer.get().drop();
            synchronized (lock) {
                discarded = true;
                backlog.get().clear();
                backlog.get().close();
            }
        }
    }

    /** Entries queued in memory or in flight from it. */
    int depth() {
        return capacity - permits.availablePermits();
    }

    PipelineStatus.LaneState state() {
        return paused ? PipelineStatus.LaneState.PAUSED
                : backlog.isPresent() && backlog.get().events() > 0 ? PipelineStatus.LaneState.CATCHING_UP
                : PipelineStatus.LaneState.STREAMING;
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
        return oldest(0, backlog.flatMap(Backlog::oldestCommitTime));
    }

    private Optional<Instant> oldestEnqueuedAt() {
        return oldest(1, backlog.flatMap(Backlog::oldestEnqueuedAt));
    }

    private Optional<Instant> oldest(int field, Optional<Instant> onDisk) {
        Instant memory;
        synchronized (inMemory) {
            memory = inMemory.isEmpty() ? null : inMemory.peekFirst()[field];
        }
        if (memory == null) {
            return onDisk;
        }
        return Optional.of(onDisk.filter(d -> d.isBefore(memory)).orElse(memory));
    }

    private int weight(LaneBatch batch) {
        return Math.min(batch.weight(), capacity);
    }
}
