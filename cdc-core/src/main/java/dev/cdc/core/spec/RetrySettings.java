package dev.cdc.core.spec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A sink's retry policy: exponential backoff with jitter, between attempts of a failed write.
 *
 * @param maxAttempts    attempts in all, the first included (1 = no retry)
 * @param initialBackoff wait before the second attempt
 * @param multiplier     each wait is the previous one times this
 * @param maxBackoff     no wait is longer
 * @param jitter         randomisation factor in [0, 1): each wait is spread by +/- this fraction
 * @param retryOn        which failures are retried: {@code retriable} (RetriableException and
 *                       I/O errors: the default), {@code all}, or fully qualified exception class names
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
                            double jitter, List<String> retryOn) {

    public static final RetrySettings DEFAULT = new RetrySettings(10, Duration.ofMillis(200), 2.0,
            Duration.ofSeconds(30), 0.2, List.of("retriable"));

    public RetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts was " + maxAttempts + " but it must be >= 1");
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier was " + multiplier + " but it must be >= 1");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter was " + jitter + " but it must be in [0, 1)");
        }
        retryOn = List.copyOf(retryOn);
    }

    /** No retry at all. */
    public static RetrySettings none() {
        return new RetrySettings(1, Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0, List.of("retriable"));
    }
}
