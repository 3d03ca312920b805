package dev.cdc.api.spi;

import dev.cdc.api.config.ConfigOption;

import java.util.List;

/**
 * What every plugin factory has: a unique lower-case type name used as {@code type:} in YAML,
 * a one-line description, and its declared options. The engine binds and validates the
 * options against {@link #options()} before calling {@code create}, so a factory never sees an
 * unknown key, a missing required option, or a value of the wrong type.
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

    default List<ConfigOption<?>> requiredOptions() {
        return options().stream().filter(ConfigOption::isRequired).toList();
    }

    default List<ConfigOption<?>> optionalOptions() {
        return options().stream().filter(o -> !o.isRequired()).toList();
    }
}
