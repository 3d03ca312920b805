package dev.cdc.launcher;

import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.error.ConfigurationException;

import java.io.PrintWriter;

/** Prints an invalid configuration as one line per problem and a count, never a stack trace. */
final class ConfigProblems {

    private ConfigProblems() {
    }

    /**
     * Prints {@code file:line: path: message} for each problem, then {@code N problems}.
     * Option values in messages are already masked when the option is secret.
     */
    static void print(PrintWriter err, ConfigurationException e) {
        for (ConfigProblem p : e.problems()) {
            err.println(p);
        }
        int n = e.problems().size();
        err.println(n == 1 ? "1 problem" : n + " problems");
        err.flush();
    }
}
