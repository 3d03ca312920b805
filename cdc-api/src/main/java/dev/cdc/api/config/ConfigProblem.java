package dev.cdc.api.config;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing wrong with a configuration.
 *
 * @param path    where, as a YAML path ({@code sinks[1].options.port}); may be empty for the whole file
 * @param message what was found and what was expected ({@code was '-1' but it must be > 0})
 * @param file    the file, when the configuration came from one
 * @param line    the 1-based line, or 0 when unknown
 */
public record ConfigProblem(String path, String message, Optional<String> file, int line) {

    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(file, "file");
    }

    public static ConfigProblem of(String path, String message) {
        return new ConfigProblem(path, message, Optional.empty(), 0);
    }

    public ConfigProblem withPathPrefix(String prefix) {
        String p = prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "." + path;
        return new ConfigProblem(p, message, file, line);
    }

    public ConfigProblem at(String newFile, int newLine) {
        return new ConfigProblem(path, message, Optional.ofNullable(newFile), newLine);
    }

    /** {@code pipeline.yaml:12: sinks[1].port: was '-1' but it must be > 0}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        file.ifPresent(f -> sb.append(f).append(':'));
        if (line > 0) {
            sb.append(line).append(':');
        }
        if (!sb.isEmpty()) {
            sb.append(' ');
        }
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }
}
