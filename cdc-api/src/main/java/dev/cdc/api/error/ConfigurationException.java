package dev.cdc.api.error;

import dev.cdc.api.config.ConfigProblem;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** A configuration is invalid. Carries every problem found, not just the first. */
public class ConfigurationException extends CdcException {

    private final List<ConfigProblem> problems;

    public ConfigurationException(List<ConfigProblem> problems) {
        super(format(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigurationException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** One problem with no path: for a check that spans several options. */
    public ConfigurationException(String message) {
        this(List.of(ConfigProblem.of("", message)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** A copy with each problem changed, e.g. given a path prefix and a line number. */
    public ConfigurationException map(UnaryOperator<ConfigProblem> f) {
        return new ConfigurationException(problems.stream().map(f).toList());
    }

    private static String format(List<ConfigProblem> problems) {
        if (problems.size() == 1) {
            return "invalid configuration: " + problems.get(0);
        }
        return "invalid configuration (" + problems.size() + " problems):\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
