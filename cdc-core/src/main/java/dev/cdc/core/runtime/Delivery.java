package dev.cdc.core.runtime;

import dev.cdc.core.spec.RetrySettings;
import io.github.resilience4j.core.IntervalFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The one retry loop of a lane: runs an attempt (a write and flush, a schema change, a dead
 * letter) until it succeeds or the sink's retry policy gives up, waiting resilience4j's
 * exponential backoff with jitter between attempts. Every retried failure is counted and logged.
 *
 * <p>A {@link SinkFailureException} (the failure policy stopping the lane from inside an attempt)
 * and an {@link InterruptedException} are never retried. While the pipeline aborts, a waiting
 * loop gives up with an {@link InterruptedException}. Used from the lane thread only.
 */
final class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    /** Longest sleep between two looks at whether the pipeline aborts. */
    private static final long WAKE_MILLIS = 50;

    /** One attempt: throws when it failed. */
    @FunctionalInterface
    interface Attempt {
        void run() throws Exception;
    }

    /**
     * How an attempt ended.
     *
     * @param attempts how many attempts were made
     * @param failure  the last failure, when the policy gave up; empty on success
     */
    record Outcome(int attempts, Optional<Exception> failure) {
        boolean succeeded() {
            return failure.isEmpty();
        }
    }

    private final String name;
    private final RetrySettings settings;
    private final IntervalFunction backoff;
    private final Predicate<Throwable> retryable;
    private final LaneStats stats;
    private final BooleanSupplier aborting;

    /**
     * @param name     what log lines call the target: {@code sink 'search'} or its dead-letter target
     * @param aborting true once the pipeline fails: waiting stops
     */
    Delivery(String name, RetrySettings settings, LaneStats stats, BooleanSupplier aborting) {
        this.name = name;
        this.settings = settings;
        this.backoff = settings.jitter() > 0
                ? IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), settings.multiplier(),
                settings.jitter(), settings.maxBackoff())
                : IntervalFunction.ofExponentialBackoff(settings.initialBackoff(), settings.multiplier(),
                settings.maxBackoff());
        this.retryable = RetryPolicies.retryable(settings.retryOn());
        this.stats = stats;
        this.aborting = aborting;
    }

    /** Runs {@code attempt} until it succeeds or the retry policy gives up. */
    Outcome run(Attempt attempt) throws InterruptedException {
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                attempt.run();
                return new Outcome(attempts, Optional.empty());
            } catch (InterruptedException | SinkFailureException e) {
                throw e;
            } catch (Exception e) {
                if (attempts >= settings.maxAttempts() || !retryable.test(e)) {
                    return new Outcome(attempts, Optional.of(e));
                }
                long wait = backoff.apply(attempts);
                stats.retried();
                LOG.warn("{}: attempt {} of {} failed, retrying in {} ms: {}", name, attempts,
                        settings.maxAttempts(), wait, String.valueOf(e));
                sleep(wait);
            }
        }
    }

    private void sleep(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        for (long left = millis; left > 0; left = (end - System.nanoTime()) / 1_000_000) {
            if (aborting.getAsBoolean()) {
                throw new InterruptedException("pipeline is stopping after a failure");
            }
            Thread.sleep(Math.min(left, WAKE_MILLIS));
        }
    }
}
