package dev.cdc.source.mysql;

import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.verify.RowReader;
import dev.cdc.api.verify.RowReaderFactory;
import dev.cdc.source.mysql.snapshot.MySqlRowReader;

/** Registered in META-INF/services/dev.cdc.api.verify.RowReaderFactory: reads a {@code mysql} source back. */
public final class MySqlRowReaderFactory implements RowReaderFactory {

    @Override
    public String type() {
        return "mysql";
    }

    @Override
    public RowReader create(PluginContext context) {
        return new MySqlRowReader(MySqlSourceFactory.config(context), context.clock());
    }
}
