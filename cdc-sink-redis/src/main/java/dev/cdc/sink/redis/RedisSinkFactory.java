package dev.cdc.sink.redis;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.format.EnvelopeOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code redis} sink's factory: checks how the options fit together (templates, options that
 * apply to one mode only, TLS options without rediss://) and builds the sink. Connects to nothing.
 */
public final class RedisSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public String description() {
        return "Writes rows to Redis as hashes or JSON strings guarded by the source position (replays never"
                + " restore an older row), deletes cache keys (invalidate), or appends events to streams, once each.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return RedisSinkOptions.ALL;
    }

    @Override
    public List<ConfigProblem> validate(Configuration o) {
        List<ConfigProblem> problems = new ArrayList<>();
        RedisMode mode = o.get(RedisSinkOptions.MODE);
        template(o, RedisSinkOptions.KEY_TEMPLATE, true, problems);
        template(o, RedisSinkOptions.STREAM_TEMPLATE, false, problems);
        onlyFor(o, problems, mode, Set.of(RedisMode.STREAM), RedisSinkOptions.STREAM_MAXLEN,
                RedisSinkOptions.STREAM_TEMPLATE, RedisSinkOptions.FORMAT);
        onlyFor(o, problems, mode, Set.of(RedisMode.HASH, RedisMode.JSON), RedisSinkOptions.TTL,
                RedisSinkOptions.TOMBSTONE_TTL);
        onlyFor(o, problems, mode, Set.of(RedisMode.HASH, RedisMode.JSON, RedisMode.INVALIDATE),
                RedisSinkOptions.KEY_TEMPLATE, RedisSinkOptions.TRUNCATE_SCAN_COUNT);
        String uri = o.get(RedisSinkOptions.URI);
        if (!uri.startsWith("rediss://")) {
            for (ConfigOption<?> option : List.of(RedisSinkOptions.TLS_TRUSTSTORE_PATH,
                    RedisSinkOptions.TLS_TRUSTSTORE_PASSWORD, RedisSinkOptions.TLS_KEYSTORE_PATH,
                    RedisSinkOptions.TLS_KEYSTORE_PASSWORD, RedisSinkOptions.TLS_INSECURE_TRUST_ALL)) {
                if (o.isSet(option)) {
                    problems.add(ConfigProblem.of(option.key(), "was set but uri '" + RedisEndpoint.redact(uri)
                            + "' is not TLS; use rediss://... to connect with TLS, or remove " + option.key()));
                }
            }
        }
        try {
            endpoint(o, "cdc");
        } catch (IllegalArgumentException e) {
            problems.add(ConfigProblem.of(RedisSinkOptions.URI.key(), e.getMessage()));
        }
        return problems;
    }

    @Override
    public Sink create(PluginContext context) {
        Configuration o = context.options();
        requireValid(o);
        RedisMode mode = o.get(RedisSinkOptions.MODE);
        boolean rows = mode != RedisMode.STREAM;
        KeyTemplate keys = KeyTemplate.parse(o.get(RedisSinkOptions.KEY_TEMPLATE), true);
        KeyTemplate streams = KeyTemplate.parse(o.get(RedisSinkOptions.STREAM_TEMPLATE), false);
        RedisEndpoint endpoint = endpoint(o, clientName(context));

        String prefix = o.get(RedisSinkOptions.METADATA_PREFIX);
        RedisValues values = new RedisValues(context.pipelineName());
        RowKeys rowKeys = rows ? new RowKeys(keys, prefix, values) : null;
        long ttl = o.getOptional(RedisSinkOptions.TTL).map(Duration::toMillis).orElse(0L);
        long tombstoneTtl = o.get(RedisSinkOptions.TOMBSTONE_TTL).toMillis();
        ChunkEncoder encoder = switch (mode) {
            case HASH -> new HashRows(rowKeys, values, ttl, tombstoneTtl);
            case JSON -> new JsonRows(rowKeys, values, ttl, tombstoneTtl);
            case INVALIDATE -> null;
            case STREAM -> new StreamEntries(streams, prefix, EnvelopeOptions.writer(context), values,
                    o.getOptional(RedisSinkOptions.STREAM_MAXLEN).orElse(0L));
        };
        return new RedisSink(context.instanceName(), endpoint, mode, encoder, rowKeys,
                o.get(RedisSinkOptions.TRUNCATE_SCAN_COUNT),
                new KeylessRows(o.get(RedisSinkOptions.KEYLESS_TABLES), context.instanceName()));
    }

    static RedisEndpoint endpoint(Configuration o, String clientName) {
        return RedisEndpoint.parse(o.get(RedisSinkOptions.URI), o.getOptional(RedisSinkOptions.USER),
                o.getOptional(RedisSinkOptions.PASSWORD), o.getOptional(RedisSinkOptions.DATABASE),
                o.getOptional(RedisSinkOptions.TLS_TRUSTSTORE_PATH).map(Path::of),
                o.getOptional(RedisSinkOptions.TLS_TRUSTSTORE_PASSWORD),
                o.getOptional(RedisSinkOptions.TLS_KEYSTORE_PATH).map(Path::of),
                o.getOptional(RedisSinkOptions.TLS_KEYSTORE_PASSWORD),
                o.get(RedisSinkOptions.TLS_INSECURE_TRUST_ALL), o.get(RedisSinkOptions.CONNECT_TIMEOUT),
                o.get(RedisSinkOptions.READ_TIMEOUT), clientName);
    }

    private static void template(Configuration o, ConfigOption<String> option, boolean withKey,
                                 List<ConfigProblem> problems) {
        try {
            KeyTemplate.parse(o.get(option), withKey);
        } catch (IllegalArgumentException e) {
            problems.add(ConfigProblem.of(option.key(), e.getMessage()));
        }
    }

    private static void onlyFor(Configuration o, List<ConfigProblem> problems, RedisMode mode, Set<RedisMode> modes,
                                ConfigOption<?>... options) {
        if (modes.contains(mode)) {
            return;
        }
        for (ConfigOption<?> option : options) {
            if (o.isSet(option)) {
                problems.add(ConfigProblem.of(option.key(), "applies to mode " + String.join(" and ",
                        modes.stream().map(RedisMode::yamlName).sorted().toList()) + " only, but mode is "
                        + mode.yamlName() + "; remove " + option.key() + " or change mode"));
            }
        }
    }

    /** {@code cdc:<pipeline>:<sink>}, spaces and other characters CLIENT SETNAME refuses made '_'. */
    private static String clientName(PluginContext context) {
        return ("cdc:" + context.pipelineName() + ":" + context.instanceName()).replaceAll("[^\\x21-\\x7e]", "_");
    }
}
