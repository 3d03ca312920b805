package dev.cdc.plugins.transform;

import dev.cdc.api.config.ConfigOption;

import java.util.List;

/** Options of the {@code unwrap} transformer. */
public final class UnwrapOptions {

    public static final ConfigOption<UnwrapTransformer.DeleteHandling> DELETE_HANDLING = ConfigOption
            .key("delete-handling").enumType(UnwrapTransformer.DeleteHandling.class)
            .defaultValue(UnwrapTransformer.DeleteHandling.TOMBSTONE)
            .description("What an unwrapped DELETE becomes. tombstone: the key with a null value. rewrite: the "
                    + "before row with \"__deleted\": true. drop: the delete is removed from the stream.");

    public static final ConfigOption<Boolean> DROP_TRUNCATES = ConfigOption.key("drop-truncates").booleanType()
            .defaultValue(false)
            .description("Remove TRUNCATE events, which have neither key nor value, for consumers that only "
                    + "understand key/value records. Off by default: a sink that applies truncates (Elasticsearch, "
                    + "Redis) would silently keep rows the source removed.");

    private UnwrapOptions() {
    }

    /** Every option, in the order {@code cdc plugins} prints them. */
    public static List<ConfigOption<?>> all() {
        return List.of(DELETE_HANDLING, DROP_TRUNCATES);
    }
}
