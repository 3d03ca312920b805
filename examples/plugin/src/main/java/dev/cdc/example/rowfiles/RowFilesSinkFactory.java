package dev.cdc.example.rowfiles;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;

import java.nio.file.Path;
import java.util.List;

/** Registered in META-INF/services/dev.cdc.api.spi.SinkFactory; found by ServiceLoader. */
public final class RowFilesSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "row-files";
    }

    @Override
    public String description() {
        return "Keeps the latest row of each key as a properties file (an example plugin).";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return RowFilesOptions.ALL;
    }

    @Override
    public Sink create(PluginContext context) {
        // Validate and construct only: no file is touched before open().
        return new RowFilesSink(Path.of(context.options().get(RowFilesOptions.DIRECTORY)),
                context.options().get(RowFilesOptions.FSYNC));
    }
}
