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
 * <p>An <em>outage</em> ({@link RetryPolicies#isOutage}: the target is unreachable, timed out or
 * answered 429/5xx to the whole request) is retried for as long as it lasts, with no attempt limit
 * and the backoff capped at {@code max-backoff}: it never reaches the failure policy, so nothing is
 * dead-lettered or skipped because a target was down. The lane's stats say since when it fails
 * (health is DEGRADED meanwhile); what a long outage costs is the backlog's budget to decide.
 * {@code max-attempts} bounds only failures of records (a rejection, a partial write).
 *
 * <p>A {@link SinkFailureException} (the failure policy stopping the lane from inside an attempt)
 * and an {@link InterruptedException} are never retried. While the pipeline aborts, a waiting
 * loop gives up with an {@link InterruptedException}. Used from the lane thread only.
 */
final class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    /** Longest sleep between two looks at whether the pipeline aborts. */
    private static final long WAKE_MILLIS = 50;
    /** Beyond this many attempts the backoff no longer grows (it is capped at max-backoff anyway). */
    private static final int MAX_BACKOFF_STEP = 64;

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

    /** Runs {@code attempt} until it succeeds, or the retry policy gives up on a failure that is no outage. */
    Outcome run(Attempt attempt) throws InterruptedException {
        return run(attempt, settings.maxAttempts());
    }

    /** Runs {@code attempt} through outages, but gives up at its first failure that is no outage. */
    Outcome runOnce(Attempt attempt) throws InterruptedException {
        return run(attempt, 1);
    }

    private Outcome run(Attempt attempt, int maxRejected) throws InterruptedException {
        int attempts = 0;
        int rejected = 0;
        while (true) {
            attempts++;
            try {
                attempt.run();
                if (attempts > 1) {
                    stats.recovered(name, attempts);
                }
                return new Outcome(attempts, Optional.empty());
            } catch (InterruptedException | SinkFailureException e) {
                throw e;
            } catch (Exception e) {
                boolean outage = RetryPolicies.isOutage(e);
                if (!outage) {
                    rejected++;
                    if (rejected >= maxRejected || !retryable.test(e)) {
                        return new Outcome(attempts, Optional.of(e));
                    }
                }
                long wait = backoff.apply(Math.min(attempts, MAX_BACKOFF_STEP));
                stats.retried();
                if (outage) {
                    stats.outage(e);
                    LOG.warn("{}: attempt {} failed ({} outage, retried until it ends), retrying in {} ms: {}", name,
                            attempts, stats.failingSince().map(s -> "an ongoing since " + s).orElse("an"), wait,
                            String.valueOf(e));
                } else {
                    LOG.warn("{}: attempt {} of {} failed, retrying in {} ms: {}", name, rejected,
                            settings.maxAttempts(), wait, String.valueOf(e));
                }
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
