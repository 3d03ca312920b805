package dev.cdc.jdbc.snapshot;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How long a source keeps reconnecting after its connection was lost, and how long it waits
 * between attempts: the budget ({@code reconnect-timeout}) runs from the first failure of an
 * outage, the wait doubles from {@code firstBackoff} up to {@code maxBackoff}, and both start
 * over after a successful reconnect ({@link #connected()}), so an outage is never charged for
 * the ones before it. Shared by the PostgreSQL and MySQL sources.
 *
 * <p>Not thread-safe: the source thread only.
 */
public final class ReconnectBudget {

    private final Duration timeout;
    private final long firstBackoffNanos;
    private final long maxBackoffNanos;
    private final LongSupplier nanoClock;
    private long failingSince = -1;
    private long nextBackoffNanos;
    private int attempts;

    /**
     * @param timeout      how long an outage may last before {@link #failed()} gives up
     * @param firstBackoff the wait after the first failure of an outage
     * @param maxBackoff   the longest wait
     * @param nanoClock    {@link System#nanoTime}, or a test's clock
     */
    public ReconnectBudget(Duration timeout, Duration firstBackoff, Duration maxBackoff, LongSupplier nanoClock) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.firstBackoffNanos = firstBackoff.toNanos();
        this.maxBackoffNanos = Math.max(firstBackoffNanos, maxBackoff.toNanos());
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.nextBackoffNanos = firstBackoffNanos;
        if (timeout.isNegative() || firstBackoffNanos <= 0) {
            throw new IllegalArgumentException("reconnect timeout must be >= 0 and the first backoff > 0, were "
                    + timeout + " and " + firstBackoff);
        }
    }

    /** 0.5 s doubling up to 30 s, on the system clock. */
    public static ReconnectBudget of(Duration timeout) {
        return new ReconnectBudget(timeout, Duration.ofMillis(500), Duration.ofSeconds(30), System::nanoTime);
    }

    /**
     * A connection attempt (or the connection) failed.
     *
     * @return how long to wait before the next attempt; empty when this outage has lasted longer
     * than the timeout (the first failure of an outage always gets an attempt)
     */
    public Optional<Duration> failed() {
        long now = nanoClock.getAsLong();
        if (failingSince < 0) {
            failingSince = now;
        } else if (now - failingSince > timeout.toNanos()) {
            return Optional.empty();
        }
        attempts++;
        long wait = nextBackoffNanos;
        nextBackoffNanos = Math.min(maxBackoffNanos, nextBackoffNanos * 2);
        return Optional.of(Duration.ofNanos(wait));
    }

    /** The connection works again: the next failure starts a new outage with a full budget and the first backoff. */
    public void connected() {
        failingSince = -1;
        nextBackoffNanos = firstBackoffNanos;
        attempts = 0;
    }

    /** True between a failure and the next {@link #connected()}. */
    public boolean failing() {
        return failingSince >= 0;
    }

    /** Failed attempts in the current outage (0 when connected). */
    public int attempts() {
        return attempts;
    }

    /** How long the current outage has lasted (zero when connected). */
    public Duration outage() {
        return failingSince < 0 ? Duration.ZERO : Duration.ofNanos(nanoClock.getAsLong() - failingSince);
    }

    public Duration timeout() {
        return timeout;
    }
}
