package dev.cdc.plugins.generator;

import java.util.function.LongSupplier;

/**
 * Paces events to a rate on a {@link System#nanoTime()} schedule: event number {@code e} is due
 * {@code e / rate} seconds after the start. Events that fell behind (the pipeline pushed back)
 * may go at once, but at most {@code maxBacklog} of them: the schedule slides forward instead of
 * letting a long stall turn into a burst. Not thread-safe: the source thread owns it.
 */
final class RatePacer {

    private final double nanosPerEvent;
    private final double maxLagNanos;
    private final LongSupplier nanoClock;
    private double nextDueNanos;

    RatePacer(double eventsPerSecond, long maxBacklog, LongSupplier nanoClock) {
        if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("rate was " + eventsPerSecond + " but it must be > 0 and finite");
        }
        this.nanosPerEvent = 1e9 / eventsPerSecond;
        this.maxLagNanos = Math.max(1, maxBacklog) * nanosPerEvent;
        this.nanoClock = nanoClock;
        this.nextDueNanos = nanoClock.getAsLong();
    }

    /**
     * Takes as many due events as are available, up to {@code max}, if at least {@code min} are
     * due; otherwise takes none.
     *
     * @return the number taken: 0, or between {@code min} and {@code max}
     */
    long tryAcquire(long min, long max) {
        double now = nanoClock.getAsLong();
        if (now - nextDueNanos > maxLagNanos) {
            nextDueNanos = now - maxLagNanos;
        }
        long due = now < nextDueNanos ? 0 : 1 + (long) ((now - nextDueNanos) / nanosPerEvent);
        if (due < min) {
            return 0;
        }
        long taken = Math.min(due, max);
        nextDueNanos += taken * nanosPerEvent;
        return taken;
    }

    /** How long until {@code count} more events are due (0 when they already are). */
    long nanosUntilDue(long count) {
        double wait = nextDueNanos + (count - 1) * nanosPerEvent - nanoClock.getAsLong();
        return wait <= 0 ? 0 : (long) Math.ceil(wait);
    }
}
