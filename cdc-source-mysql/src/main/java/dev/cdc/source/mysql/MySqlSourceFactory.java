package dev.cdc.source.mysql;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;

import java.util.List;

/** The {@code mysql} source: MySQL and MariaDB row binlog with a consistent snapshot. Opens nothing in create. */
public final class MySqlSourceFactory implements SourceFactory {

    @Override
    public String type() {
        return "mysql";
    }

    @Override
    public String description() {
        return "Reads MySQL / MariaDB changes from the row binlog as a replica, after a consistent snapshot";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return MySqlSourceOptions.ALL;
    }

    @Override
    public Source create(PluginContext context) {
        return new MySqlSource(config(context));
    }

    /** The source's settings from its options (also what its read-back for verify uses). */
    static MySqlSourceConfig config(PluginContext context) {
        Configuration o = context.options();
        return new MySqlSourceConfig(o.get(MySqlSourceOptions.HOST), o.get(MySqlSourceOptions.PORT),
                o.get(MySqlSourceOptions.USER), o.get(MySqlSourceOptions.PASSWORD), o.get(MySqlSourceOptions.DATABASE),
                java.util.regex.Pattern.compile(o.get(MySqlSourceOptions.TABLES)), o.get(MySqlSourceOptions.SERVER_ID),
                o.get(MySqlSourceOptions.SNAPSHOT_MODE), o.get(MySqlSourceOptions.SNAPSHOT_CHUNK_SIZE),
                o.get(MySqlSourceOptions.SNAPSHOT_PARALLELISM), o.get(MySqlSourceOptions.USE_GTID),
                o.get(MySqlSourceOptions.TINYINT1_AS_BOOLEAN), o.get(MySqlSourceOptions.MAX_BATCH),
                o.get(MySqlSourceOptions.CONNECT_TIMEOUT), o.get(MySqlSourceOptions.RECONNECT_TIMEOUT),
                o.get(MySqlSourceOptions.BINLOG_SEND_TIMEOUT), context.stateDirectory(),
                o.get(MySqlSourceOptions.BACKFILL_CHUNK_SIZE),
                o.get(MySqlSourceOptions.ON_POSITION_LOST), MySqlSourceConfig.watermarkTable(
                        o.get(MySqlSourceOptions.WATERMARK_TABLE), o.get(MySqlSourceOptions.DATABASE)),
                o.get(MySqlSourceOptions.SETUP));
    }
}
