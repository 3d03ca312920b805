package dev.cdc.api.spi;

import dev.cdc.api.config.Configuration;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * What a factory gets to build its plugin. New needs become new default methods here, never
 * new parameters of {@code create}.
 */
public interface PluginContext {

    /** The plugin's validated options. */
    Configuration options();

    /** The pipeline's name ({@code pipeline:} in YAML). */
    String pipelineName();

    /** This plugin instance's name: the sink's {@code name:}, or {@code source}, {@code filters[0]}, ... */
    String instanceName();

    /** Metrics the plugin may register; tagged with the pipeline and instance by the engine. */
    default PluginMetrics metrics() {
        return PluginMetrics.NOOP;
    }

    default Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * A directory the plugin may keep durable state in (beside the checkpoint), when the
     * pipeline has one.
     */
    default Optional<Path> stateDirectory() {
        return Optional.empty();
    }

    /** A plain context, for tests and for code that builds plugins itself. */
    static PluginContext of(Configuration options, String pipelineName, String instanceName) {
        return new PluginContext() {
            @Override
            public Configuration options() {
                return options;
            }

            @Override
            public String pipelineName() {
                return pipelineName;
            }

            @Override
            public String instanceName() {
                return instanceName;
            }
        };
    }
}
