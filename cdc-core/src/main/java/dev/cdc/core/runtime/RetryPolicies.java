package dev.cdc.core.runtime;

import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.error.NotSupportedException;
import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.error.RetriableException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Which failures a sink's {@code retry-on} setting retries. */
final class RetryPolicies {

    private RetryPolicies() {
    }

    /**
     * Which failures are retried: a {@link PartialWriteException} with a failure marked retriable (always);
     * {@code retriable} (a {@link RetriableException} or an I/O error or
     * timeout anywhere in the cause chain), {@code all} (anything but configuration errors and
     * unsupported operations), or class names matched against the cause chain's class hierarchy.
     */
    static Predicate<Throwable> retryable(List<String> retryOn) {
        return t -> {
            if (t instanceof ConfigurationException || t instanceof NotSupportedException) {
                return false;
            }
            if (t instanceof PartialWriteException partial) {
                // The sink said which events may succeed if tried again; only those are retried.
                return partial.failures().stream().anyMatch(PartialWriteException.EventFailure::retriable);
            }
            for (String rule : retryOn) {
                if (rule.equals("all")) {
                    return true;
                }
                for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                    if (rule.equals("retriable")) {
                        if (isOutage(c)) {
                            return true;
                        }
                    } else if (isA(c.getClass(), rule)) {
                        return true;
                    }
                }
            }
            return false;
        };
    }

    /**
     * True for a failure of the target as a whole, not of a record: a {@link RetriableException}
     * (connection refused or lost, a timeout, a 429/5xx answer to the whole request), an I/O error or
     * a timeout anywhere in the cause chain. A {@link PartialWriteException} is not one: the target
     * answered and refused (or deferred) some records. Outages are retried for as long as they last
     * and never take the failure policy.
     */
    static boolean isOutage(Throwable t) {
        if (t instanceof PartialWriteException || t instanceof ConfigurationException
                || t instanceof NotSupportedException) {
            return false;
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof RetriableException || c instanceof IOException || c instanceof UncheckedIOException
                    || c instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isA(Class<?> type, String className) {
        for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            if (k.getName().equals(className) || k.getSimpleName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
