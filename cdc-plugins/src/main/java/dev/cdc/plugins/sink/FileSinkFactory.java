package dev.cdc.plugins.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.format.EnvelopeOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code file} sink: appends events as JSON lines. Appending is not idempotent: events
 * replayed after a crash (those written but not yet checkpointed) are appended again, so the
 * file holds every event at least once; deduplicate by {@code source.sort_key} when reading.
 */
public final class FileSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "file";
    }

    @Override
    public String description() {
        return "Appends each event as a JSON line to a file, fsynced on flush; at-least-once: "
                + "events replayed after a crash are appended again.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return FileSinkOptions.ALL;
    }

    @Override
    public Sink create(PluginContext context) {
        Configuration options = context.options();
        return new FileSink(Path.of(options.get(FileSinkOptions.PATH)), EnvelopeOptions.writer(context),
                options.get(FileSinkOptions.FSYNC));
    }
}
