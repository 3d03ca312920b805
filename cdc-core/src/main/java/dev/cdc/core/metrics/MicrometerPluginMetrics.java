package dev.cdc.core.metrics;

import dev.cdc.api.spi.PluginMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.function.DoubleSupplier;

/** {@link PluginMetrics} backed by Micrometer, with the pipeline's and instance's tags added. */
public final class MicrometerPluginMetrics implements PluginMetrics {

    private final MeterRegistry registry;
    private final Tags tags;

    public MicrometerPluginMetrics(MeterRegistry registry, String pipeline, String instance) {
        this.registry = registry;
        this.tags = Tags.of("pipeline", pipeline, "instance", instance);
    }

    @Override
    public Counter counter(String name, String description, String... extraTags) {
        io.micrometer.core.instrument.Counter c = io.micrometer.core.instrument.Counter.builder(name)
                .description(description).tags(tags.and(extraTags)).register(registry);
        return amount -> c.increment(amount);
    }

    @Override
    public void gauge(String name, String description, DoubleSupplier value, String... extraTags) {
        Gauge.builder(name, value, DoubleSupplier::getAsDouble).description(description).tags(tags.and(extraTags))
                .strongReference(true).register(registry);
    }
}
