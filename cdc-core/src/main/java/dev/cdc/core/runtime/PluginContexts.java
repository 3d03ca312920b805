package dev.cdc.core.runtime;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.PluginMetrics;
import dev.cdc.core.metrics.MicrometerPluginMetrics;
import dev.cdc.core.spec.PluginSpec;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * Makes the {@link PluginContext} each plugin of a pipeline is created with: its options, names,
 * metrics tagged with the pipeline and instance, the clock, and a state directory of its own
 * below the pipeline's.
 */
final class PluginContexts {

    private final String pipeline;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Optional<Path> stateDirectory;

    PluginContexts(String pipeline, MeterRegistry registry, Clock clock, Optional<Path> stateDirectory) {
        this.pipeline = pipeline;
        this.registry = registry;
        this.clock = clock;
        this.stateDirectory = stateDirectory;
    }

    /** Metrics for a plugin instance (or for the source's context). */
    PluginMetrics metrics(String instance) {
        return new MicrometerPluginMetrics(registry, pipeline, instance);
    }

    PluginContext of(PluginSpec<?> plugin) {
        Configuration options = plugin.options();
        String instance = plugin.instanceName();
        PluginMetrics pluginMetrics = metrics(instance);
        Optional<Path> stateDir = stateDirectory.map(d -> d.resolve(instance.replaceAll("[^A-Za-z0-9._-]", "_")));
        return new PluginContext() {
            @Override
            public Configuration options() {
                return options;
            }

            @Override
            public String pipelineName() {
                return pipeline;
            }

            @Override
            public String instanceName() {
                return instance;
            }

            @Override
            public PluginMetrics metrics() {
                return pluginMetrics;
            }

            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public Optional<Path> stateDirectory() {
                return stateDir;
            }
        };
    }
}
