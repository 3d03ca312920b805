package dev.cdc.core.plugin;

import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.CheckpointStoreFactory;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.FilterFactory;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.PluginFactory;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;
import dev.cdc.api.spi.Transformer;
import dev.cdc.api.spi.TransformerFactory;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kinds of plugin a pipeline is made of, each with its factory interface, the word YAML and
 * messages use for it, and the keys its YAML section reserves for the engine (a plugin may not
 * declare an option with one of these keys).
 */
public enum PluginKind {
    SOURCE(SourceFactory.class, Source.class, "source", "source", List.of("type", "options")),
    SINK(SinkFactory.class, Sink.class, "sink", "sinks", List.of("name", "type", "options", "retry", "on-failure",
            "dead-letter", "filters", "transforms", "batch-size", "queue-capacity")),
    FILTER(FilterFactory.class, Filter.class, "filter", "filters", List.of("type", "options")),
    TRANSFORM(TransformerFactory.class, Transformer.class, "transform", "transforms", List.of("type", "options")),
    CHECKPOINT(CheckpointStoreFactory.class, CheckpointStore.class, "checkpoint", "checkpoint",
            List.of("type", "options"));

    private final Class<? extends PluginFactory> factoryType;
    private final Class<? extends AutoCloseable> pluginType;
    private final String word;
    private final String section;
    private final List<String> reservedKeys;

    PluginKind(Class<? extends PluginFactory> factoryType, Class<? extends AutoCloseable> pluginType, String word,
               String section, List<String> reservedKeys) {
        this.factoryType = factoryType;
        this.pluginType = pluginType;
        this.word = word;
        this.section = section;
        this.reservedKeys = reservedKeys;
    }

    /** The factory interface plugins of this kind implement ({@code SinkFactory}). */
    public Class<? extends PluginFactory> factoryType() {
        return factoryType;
    }

    /** What the factory creates ({@code Sink}). */
    public Class<? extends AutoCloseable> pluginType() {
        return pluginType;
    }

    /** The singular word used in YAML and messages: {@code source}, {@code sink}, {@code filter}, ... */
    public String word() {
        return word;
    }

    /** The top-level YAML key holding plugins of this kind: {@code source}, {@code sinks}, {@code filters}, ... */
    public String section() {
        return section;
    }

    /** Keys of this kind's YAML section that belong to the engine, not to the plugin's options. */
    public List<String> reservedKeys() {
        return reservedKeys;
    }

    /** Calls the factory's {@code create}; the factory must be of this kind. */
    public Object create(PluginFactory factory, PluginContext context) {
        return switch (this) {
            case SOURCE -> ((SourceFactory) factory).create(context);
            case SINK -> ((SinkFactory) factory).create(context);
            case FILTER -> ((FilterFactory) factory).create(context);
            case TRANSFORM -> ((TransformerFactory) factory).create(context);
            case CHECKPOINT -> ((CheckpointStoreFactory) factory).create(context);
        };
    }

    /** Every kind the factory implements (usually one). */
    public static Set<PluginKind> kindsOf(PluginFactory factory) {
        return Arrays.stream(values()).filter(k -> k.factoryType.isInstance(factory))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(PluginKind.class)));
    }
}
