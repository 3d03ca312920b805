package dev.cdc.source.postgres;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.verify.RowReader;
import dev.cdc.api.verify.RowReaderFactory;
import dev.cdc.source.postgres.replication.Connections;
import dev.cdc.source.postgres.snapshot.PgRowReader;

/** Registered in META-INF/services/dev.cdc.api.verify.RowReaderFactory: reads a {@code postgres} source back. */
public final class PostgresRowReaderFactory implements RowReaderFactory {

    @Override
    public String type() {
        return "postgres";
    }

    @Override
    public RowReader create(PluginContext context) {
        Configuration o = context.options();
        String slot = o.get(PostgresSourceOptions.SLOT);
        return new PgRowReader(new Connections(o.get(PostgresSourceOptions.URL), o.get(PostgresSourceOptions.USER),
                o.get(PostgresSourceOptions.PASSWORD)), o.get(PostgresSourceOptions.TABLES),
                o.getOptional(PostgresSourceOptions.PUBLICATION).orElse(slot), context.clock());
    }
}
