package dev.cdc.core.spec;

import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.Transformer;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.nio.file.Path;

/**
 * A validated pipeline: what YAML binding or {@code dev.cdc.core.pipeline.PipelineBuilder} produce and
 * {@code dev.cdc.core.pipeline.Pipeline} runs.
 *
 * @param name       the pipeline's name
 * @param source     its source
 * @param filters    pipeline-wide filters, in order
 * @param transforms pipeline-wide transforms, in order (after the filters)
 * @param sinks      one or more sinks, each with its own lane
 * @param checkpoint the checkpoint store
 * @param stateDirectory where plugins may keep durable state, when there is one (the file checkpoint's directory)
 * @param engine     engine settings
 * @param metrics    metrics settings
 */
public record PipelineSpec(String name, PluginSpec<Source> source, List<PluginSpec<Filter>> filters,
                           List<PluginSpec<Transformer>> transforms, List<SinkSpec> sinks,
                           PluginSpec<CheckpointStore> checkpoint, Optional<Path> stateDirectory,
                           EngineSettings engine, MetricsSettings metrics) {

    public PipelineSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        filters = List.copyOf(filters);
        transforms = List.copyOf(transforms);
        sinks = List.copyOf(sinks);
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(metrics, "metrics");
        if (sinks.isEmpty()) {
            throw new IllegalArgumentException("pipeline '" + name + "' needs at least one sink");
        }
        var names = new HashSet<String>();
        for (SinkSpec s : sinks) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("pipeline '" + name + "' has two sinks named '" + s.name() + "'");
            }
        }
    }
}
