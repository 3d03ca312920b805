package dev.cdc.core.config;

import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.error.ConfigurationException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Collects the problems of one configuration source, so that all of them are reported at once,
 * sorted by line. Secret values registered with {@link #redact} are masked in every message.
 * Not thread-safe: one per load.
 */
final class Problems {

    /** Values shorter than this are not redacted: masking every "1" would garble messages, and they are no secret. */
    private static final int MIN_REDACTED_LENGTH = 4;
    static final String MASK = "******";

    private final Optional<String> sourceName;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Set<String> secrets = new LinkedHashSet<>();

    Problems(Optional<String> sourceName) {
        this.sourceName = sourceName;
    }

    void add(String path, int line, String message) {
        problems.add(new ConfigProblem(path, message, sourceName, line));
    }

    /** Adds a problem whose path and line are already right, stamping the file. */
    void add(ConfigProblem problem) {
        problems.add(new ConfigProblem(problem.path(), problem.message(), sourceName, problem.line()));
    }

    /** Masks {@code value} wherever it appears in a message. */
    void redact(String value) {
        if (value.length() >= MIN_REDACTED_LENGTH) {
            secrets.add(value);
        }
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    int size() {
        return problems.size();
    }

    /** @throws ConfigurationException with every problem so far, sorted by line (lineless last) */
    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw exception();
        }
    }

    ConfigurationException exception() {
        List<ConfigProblem> sorted = new ArrayList<>();
        for (ConfigProblem p : problems) {
            String message = p.message();
            String path = p.path();
            for (String s : secrets) {
                message = message.replace(s, MASK);
                path = path.replace(s, MASK);
            }
            sorted.add(new ConfigProblem(path, message, p.file(), p.line()));
        }
        sorted.sort(Comparator.comparingInt((ConfigProblem p) -> p.line() == 0 ? Integer.MAX_VALUE : p.line()));
        return new ConfigurationException(sorted);
    }
}
