package dev.cdc.core.spec;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;

import java.util.Objects;
import java.util.function.Function;

/**
 * One plugin of a pipeline, ready to be created: its instance name, its type, its validated
 * options and how to create it (a factory's {@code create}, or an instance handed in by code).
 *
 * @param instanceName the name in messages and metrics: the sink's name, {@code source}, {@code filters[0]}
 * @param type         the plugin type ({@code file}, {@code postgres}), or the class name of an instance
 * @param yamlPath     where it was declared ({@code sinks[1]}), for messages
 * @param options      validated options
 * @param creator      makes the plugin from a context
 */
public record PluginSpec<T>(String instanceName, String type, String yamlPath, Configuration options,
                            Function<PluginContext, T> creator) {

    public PluginSpec {
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(yamlPath, "yamlPath");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(creator, "creator");
    }

    /** A spec that hands out an instance built by code. */
    public static <T> PluginSpec<T> ofInstance(String instanceName, T instance) {
        return new PluginSpec<>(instanceName, instance.getClass().getName(), instanceName, Configuration.empty(),
                ctx -> instance);
    }

    public T create(PluginContext context) {
        return Objects.requireNonNull(creator.apply(context), () -> "plugin " + instanceName + " created null");
    }
}
