package dev.cdc.sink.redis;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.format.KeylessTables;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeOptions;

import java.time.Duration;
import java.util.List;

/** The options of the {@code redis} sink. See docs/cdc-sink-redis.md for what each choice means. */
public final class RedisSinkOptions {

    public static final ConfigOption<String> URI = ConfigOption.key("uri").stringType()
            .defaultValue("redis://127.0.0.1:6379")
            .check(u -> u.startsWith("redis://") || u.startsWith("rediss://"),
                    "a redis://host:port[/database] or rediss://host:port[/database] (TLS) URI")
            .description("The Redis server (standalone): redis://host:port[/database], or rediss:// for TLS. "
                    + "Put credentials in 'user' and 'password' rather than in the URI.");

    public static final ConfigOption<String> USER = ConfigOption.key("user").stringType().noDefaultValue()
            .description("ACL user name (Redis 6+); without it the password authenticates the 'default' user.");

    public static final ConfigOption<String> PASSWORD = ConfigOption.key("password").stringType().noDefaultValue()
            .secret().description("Password of the user (AUTH); use ${env:NAME} or ${file:/path} to keep it out of the file.");

    public static final ConfigOption<Integer> DATABASE = ConfigOption.key("database").intType().noDefaultValue()
            .check(d -> d >= 0, ">= 0")
            .description("The logical database (SELECT); default: the URI's /database, else 0.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PATH = ConfigOption.key("tls-truststore-path")
            .stringType().noDefaultValue()
            .description("rediss:// only: a trust store (PKCS12 or JKS) holding the CA that signed the server's "
                    + "certificate; default: the JVM's trusted CAs.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PASSWORD = ConfigOption.key("tls-truststore-password")
            .stringType().noDefaultValue().secret()
            .description("rediss:// only: the trust store's password, if it has one.");

    public static final ConfigOption<String> TLS_KEYSTORE_PATH = ConfigOption.key("tls-keystore-path")
            .stringType().noDefaultValue()
            .description("rediss:// only: a key store (PKCS12 or JKS) with the client certificate and key, for a "
                    + "server that requires client certificates (Redis's tls-auth-clients yes, its default).");

    public static final ConfigOption<String> TLS_KEYSTORE_PASSWORD = ConfigOption.key("tls-keystore-password")
            .stringType().noDefaultValue().secret()
            .description("rediss:// only: the key store's password, also the password of the key in it.");

    public static final ConfigOption<Boolean> TLS_INSECURE_TRUST_ALL = ConfigOption.key("tls-insecure-trust-all")
            .booleanType().defaultValue(false)
            .description("rediss:// only: accept any server certificate and host name (encrypts but does not "
                    + "authenticate the server; for tests only).");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT = ConfigOption.key("connect-timeout").durationType()
            .defaultValue(Duration.ofSeconds(5)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("How long opening a connection may take; a timeout is retried.");

    public static final ConfigOption<Duration> READ_TIMEOUT = ConfigOption.key("read-timeout").durationType()
            .defaultValue(Duration.ofSeconds(30)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("How long to wait for Redis to answer a flush (one script run per chunk of events); "
                    + "a timeout is retried.");

    public static final ConfigOption<RedisMode> MODE = ConfigOption.key("mode").enumType(RedisMode.class)
            .defaultValue(RedisMode.HASH)
            .description("hash: each row as a hash at key-template; json: each row as a JSON string at "
                    + "key-template; invalidate: any change deletes the key (for read-through caches); stream: "
                    + "each event's envelope appended (XADD) to the stream at stream-template. hash and json are "
                    + "guarded by the source position: an older or replayed change never overwrites a newer one.");

    public static final ConfigOption<String> KEY_TEMPLATE = ConfigOption.key("key-template").stringType()
            .defaultValue("${table}:${key}")
            .check(t -> t.contains("${key}"), "a template containing ${key}")
            .description("hash, json, invalidate: the key of a row. ${table} is namespace.name, ${namespace} and "
                    + "${name} its parts, ${key} the key columns' values in key order joined by ':' "
                    + "(':' and '\\' inside a value escaped as '\\:' and '\\\\').");

    public static final ConfigOption<String> STREAM_TEMPLATE = ConfigOption.key("stream-template").stringType()
            .defaultValue("cdc:${table}")
            .description("stream: the stream of a table; ${table}, ${namespace} and ${name} as in key-template.");

    public static final ConfigOption<Long> STREAM_MAXLEN = ConfigOption.key("stream-maxlen").longType()
            .noDefaultValue().check(n -> n > 0, "> 0")
            .description("stream: trim each stream to about this many entries (XADD MAXLEN ~); default: no trim.");

    public static final ConfigOption<EnvelopeFormat> FORMAT = EnvelopeOptions.FORMAT;

    public static final ConfigOption<Duration> TTL = ConfigOption.key("ttl").durationType().noDefaultValue()
            .check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("hash, json: expire each written key this long after its last change; default: never. "
                    + "An expired key forgets its position, so a replay of an older change may write it again.");

    public static final ConfigOption<Duration> TOMBSTONE_TTL = ConfigOption.key("tombstone-ttl").durationType()
            .defaultValue(Duration.ofDays(1)).check(d -> !d.isNegative(), ">= 0")
            .description("hash, json: a delete leaves a small tombstone key (the delete's position) for this long, "
                    + "so a replayed older insert cannot bring the row back. Keep it longer than any replay can "
                    + "reach back (checkpoint interval plus restart time); 0 keeps no tombstones.");

    public static final ConfigOption<String> METADATA_PREFIX = ConfigOption.key("metadata-prefix").stringType()
            .defaultValue("__cdc:").check(p -> !p.isEmpty(), "not empty")
            .description("Prefix of the sink's own bookkeeping keys: <prefix>tomb:<key> (tombstones), "
                    + "<prefix>truncated:<table> (last truncate) and <prefix>stream-last:<stream> (a hash: the last "
                    + "position appended per row key).");

    public static final ConfigOption<Integer> TRUNCATE_SCAN_COUNT = ConfigOption.key("truncate-scan-count")
            .intType().defaultValue(1000).check(n -> n > 0, "> 0")
            .description("hash, json, invalidate: a TRUNCATE deletes the table's keys with SCAN MATCH "
                    + "<key-template pattern> COUNT n and UNLINK, n keys at a time (never KEYS).");

    public static final ConfigOption<KeylessTables> KEYLESS_TABLES = KeylessTables.option("keys each row by", "key",
            "Applies to the hash and json modes; stream mode takes every row as it is.");

    static final List<ConfigOption<?>> ALL = all();

    private static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new java.util.ArrayList<>(List.of(URI, USER, PASSWORD, DATABASE, TLS_TRUSTSTORE_PATH,
                TLS_TRUSTSTORE_PASSWORD, TLS_KEYSTORE_PATH, TLS_KEYSTORE_PASSWORD, TLS_INSECURE_TRUST_ALL,
                CONNECT_TIMEOUT, READ_TIMEOUT, MODE, KEY_TEMPLATE, STREAM_TEMPLATE, STREAM_MAXLEN, TTL, TOMBSTONE_TTL,
                METADATA_PREFIX, TRUNCATE_SCAN_COUNT, KEYLESS_TABLES));
        all.addAll(EnvelopeOptions.all()); // format (stream mode) and the debezium format's options
        return List.copyOf(all);
    }

    private RedisSinkOptions() {
    }
}
