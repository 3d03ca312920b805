package dev.cdc.sink.redis;

import java.util.Locale;

/** What the {@code redis} sink does with a change. YAML names: {@code hash}, {@code json}, {@code invalidate}, {@code stream}. */
public enum RedisMode {
    /** The row as a hash at the key template, guarded by the source position. */
    HASH,
    /** The row as a JSON string at the key template, guarded by the source position. */
    JSON,
    /** Any change deletes the key at the key template. */
    INVALIDATE,
    /** The event envelope appended to a stream per table, at most once per position. */
    STREAM;

    /** The name used in YAML. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the modes that write rows at a key (hash, json). */
    boolean storesRows() {
        return this == HASH || this == JSON;
    }
}
