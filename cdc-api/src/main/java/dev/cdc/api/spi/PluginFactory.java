package dev.cdc.api.spi;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;

import java.util.List;

/**
 * What every plugin factory has: a unique lower-case type name used as {@code type:} in YAML,
 * a one-line description, and its declared options. The engine binds and validates the
 * options against {@link #options()} before calling {@code create}, so a factory never sees an
 * unknown key, a missing required option, or a value of the wrong type. Checks that span
 * several options (a password without a user, a file that cannot be read) go in
 * {@link #validate}, which {@code cdc validate} runs too, before anything connects.
 */
public interface PluginFactory {

    /** The name used as {@code type:} in YAML: lower case, words joined by '-'. */
    String type();

    /** One line saying what the plugin does, shown by {@code cdc plugins}. */
    default String description() {
        return "";
    }

    /** Every option the plugin takes, required and optional. */
    List<ConfigOption<?>> options();

    /**
     * Checks how the options fit together, after each was bound and checked on its own: a password
     * without a user, an option that applies to another mode, a certificate file that cannot be
     * read. Runs in {@code cdc validate}, when a pipeline is loaded from YAML or built in code, and
     * should run again in {@code create} (see {@link #requireValid}). Opens no connection.
     *
     * @param options the plugin's bound options
     * @return every problem found, each naming the option it is about ({@code ConfigProblem.of("password",
     *         "is set but 'user' is not; ...")}, or an empty path for the plugin as a whole); empty when
     *         the options fit
     */
    default List<ConfigProblem> validate(Configuration options) {
        return List.of();
    }

    /**
     * {@link #validate}, throwing its problems: for {@code create}, which must not build a plugin
     * from options that do not fit even when called without the engine.
     *
     * @throws ConfigurationException with every problem {@code validate} found
     */
    default void requireValid(Configuration options) {
        List<ConfigProblem> problems = validate(options);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    default List<ConfigOption<?>> requiredOptions() {
        return options().stream().filter(ConfigOption::isRequired).toList();
    }

    default List<ConfigOption<?>> optionalOptions() {
        return options().stream().filter(o -> !o.isRequired()).toList();
    }
}
