package dev.cdc.sink.redis;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.NotSupportedException;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.verify.SinkReader;
import dev.cdc.api.verify.SinkReaderFactory;

/**
 * Registered in META-INF/services/dev.cdc.api.verify.SinkReaderFactory: reads a {@code redis} sink
 * back in the modes that keep rows (hash, json). Invalidate and stream modes keep no copy of the
 * rows, so there is nothing to compare: {@link #create} says so.
 */
public final class RedisReaderFactory implements SinkReaderFactory {

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public SinkReader create(PluginContext context) {
        Configuration o = context.options();
        RedisMode mode = o.get(RedisSinkOptions.MODE);
        if (!mode.storesRows()) {
            throw new NotSupportedException("sink", context.instanceName(), "verify in mode " + mode.yamlName()
                    + " (it keeps no copy of the rows to compare; only modes hash and json can be verified)");
        }
        String prefix = o.get(RedisSinkOptions.METADATA_PREFIX);
        RedisValues values = new RedisValues(context.pipelineName());
        RowKeys rowKeys = new RowKeys(KeyTemplate.parse(o.get(RedisSinkOptions.KEY_TEMPLATE), true), prefix, values);
        return new RedisReadBack(RedisSinkFactory.endpoint(o, "cdc-verify"), mode, rowKeys, values, prefix,
                o.get(RedisSinkOptions.TRUNCATE_SCAN_COUNT));
    }
}
