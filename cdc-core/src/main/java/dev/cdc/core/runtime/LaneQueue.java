package dev.cdc.core.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A lane's queue, bounded in entries: the ingest stage offers batches (blocking while the queue
 * is full: that is how back-pressure reaches the source), the lane's worker takes units of up to
 * a batch size and releases their room once it has handled them, so the depth counts the events
 * in flight too. Thread-safe: one producer, one consumer.
 */
final class LaneQueue {

    private static final Object END = new Object();
    private static final long WAIT_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int capacity;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Semaphore permits;

    LaneQueue(int capacity) {
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
    }

    /**
     * Appends a batch, blocking while the queue is full.
     *
     * @param giveUp asked while waiting: true when the batch should not be queued after all
     * @param whileWaiting run about once a second while the queue stays full
     * @return false when it gave up
     */
    boolean offer(LaneBatch batch, BooleanSupplier giveUp, Runnable whileWaiting) throws InterruptedException {
        int weight = weight(batch);
        long nextTick = System.nanoTime() + WAIT_TICK_NANOS;
        while (!permits.tryAcquire(weight, 50, TimeUnit.MILLISECONDS)) {
            if (giveUp.getAsBoolean()) {
                return false;
            }
            if (System.nanoTime() - nextTick >= 0) {
                whileWaiting.run();
                nextTick = System.nanoTime() + WAIT_TICK_NANOS;
            }
        }
        queue.add(batch);
        return true;
    }

    /** Appends a batch if there is room now; never blocks. */
    boolean tryOffer(LaneBatch batch) {
        if (!permits.tryAcquire(weight(batch))) {
            return false;
        }
        queue.add(batch);
        return true;
    }

    /** After the last batch: the worker takes what is queued, then {@link #take} returns null. */
    void end() {
        queue.add(END);
    }

    /**
     * The next unit of work: queued batches, in order, of at most {@code maxEvents} entries (but
     * at least one batch).
     *
     * @return the unit; empty when nothing came within {@code wait}; null once the end is reached
     */
    List<LaneBatch> take(int maxEvents, Duration wait) throws InterruptedException {
        Object first = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
            return List.of();
        }
        if (first == END) {
            return null;
        }
        List<LaneBatch> unit = new ArrayList<>();
        unit.add((LaneBatch) first);
        int events = ((LaneBatch) first).entries().size();
        while (events < maxEvents) {
            Object next = queue.peek();
            if (next == null || next == END || events + ((LaneBatch) next).entries().size() > maxEvents) {
                break;
            }
            queue.poll();
            unit.add((LaneBatch) next);
            events += ((LaneBatch) next).entries().size();
        }
        return unit;
    }

    /** The worker is done with a unit: its room is free again. */
    void release(List<LaneBatch> unit) {
        for (LaneBatch b : unit) {
            permits.release(weight(b));
        }
    }

    /** Entries queued or in flight. */
    int depth() {
        return capacity - permits.availablePermits();
    }

    private int weight(LaneBatch batch) {
        return Math.min(batch.weight(), capacity);
    }
}
