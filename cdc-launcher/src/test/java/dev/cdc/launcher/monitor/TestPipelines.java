package dev.cdc.launcher.monitor;

import dev.cdc.core.config.PipelineLoader;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.plugin.PluginRegistry;
import io.micrometer.core.instrument.MeterRegistry;

/** Pipelines for tests: generator sources, discard sinks, memory checkpoints; nothing on disk. */
public final class TestPipelines {

    private TestPipelines() {
    }

    public static PipelineSpec spec(String yaml) {
        return new PipelineLoader(PluginRegistry.discover(TestPipelines.class.getClassLoader())).parse(yaml, "<test>");
    }

    /** A generator of {@code count} events (0: endless) at {@code rate} per second into one discard sink. */
    public static String generatorYaml(String name, long count, double rate) {
        return """
                pipeline: %s
                source: {type: generator, count: %d, rate: %s, batch-size: 10}
                sinks:
                  - {name: nowhere, type: discard}
                checkpoint: {type: memory}
                engine: {checkpoint-interval: 100ms}
                """.formatted(name, count, rate);
    }

    public static Pipeline pipeline(String yaml, MeterRegistry registry) {
        return Pipeline.create(spec(yaml), registry);
    }
}
