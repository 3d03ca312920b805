package dev.cdc.sink.redis;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.testkit.assertion.PluginFactoryAssertions;
import dev.cdc.api.spi.SinkFactory;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Factory, options and key encoding; needs no server. */
class RedisSinkFactoryTest {

    private static Sink create(Map<String, Object> options) {
        RedisSinkFactory f = new RedisSinkFactory();
        return f.create(PluginContext.of(Configuration.of(f.options(), options), "p", "s"));
    }

    @Test
    void foundByServiceLoaderAndWellDeclared() {
        PluginFactoryAssertions.assertWellDeclared(new RedisSinkFactory());
        assertThat(PluginFactoryAssertions.assertRegistered(SinkFactory.class, "redis", getClass().getClassLoader()))
                .isInstanceOf(RedisSinkFactory.class);
    }

    @Test
    void defaultsCreateAHashSinkWithoutConnecting() throws Exception {
        Sink sink = create(Map.of());
        assertThat(sink.toString()).contains("hash").contains("redis://127.0.0.1:6379/0");
        sink.close();
        sink.close();
        assertThat(RedisSinkOptions.KEY_TEMPLATE.defaultValue()).contains("${table}:${key}");
        assertThat(RedisSinkOptions.STREAM_TEMPLATE.defaultValue()).contains("cdc:${table}");
        assertThat(RedisSinkOptions.PASSWORD.isSecret()).isTrue();
        assertThat(RedisSinkOptions.TLS_TRUSTSTORE_PASSWORD.isSecret()).isTrue();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> create(Map.of("mode", "hash", "key-template", "${table}:${id}:${key}",
                "stream-maxlen", 5, "tls-insecure-trust-all", true, "ttl", "1m")))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).extracting(p -> p.path())
                        .containsExactlyInAnyOrder("key-template", "stream-maxlen", "tls-insecure-trust-all"));
        assertThatThrownBy(() -> create(Map.of("mode", "stream", "ttl", "1m")))
                .hasMessageContaining("ttl").hasMessageContaining("mode hash and json only");
        assertThatThrownBy(() -> create(Map.of("key-template", "${table}")))
                .hasMessageContaining("containing ${key}");
    }

    @Test
    void passwordsInTheUriAreNeverShown() {
        Sink sink = create(Map.of("uri", "redis://app:s3cret@127.0.0.1:6380/2"));
        assertThat(sink.toString()).contains("app@127.0.0.1:6380/2").doesNotContain("s3cret");
        assertThat(RedisEndpoint.redact("redis://app:s3cret@h:1")).isEqualTo("redis://app:******@h:1");
    }

    @Test
    void compositeKeysAreJoinedWithEscapesAndTablesFillTheTemplate() {
        RedisValues values = new RedisValues("p");
        assertThat(KeyTemplate.encodeKey(Row.of("a", 1L, "b", "x:y\\z"), values)).isEqualTo("1:x\\:y\\\\z");
        assertThat(KeyTemplate.encodeKey(Row.of("a", "1:2"), values))
                .isNotEqualTo(KeyTemplate.encodeKey(Row.of("a", 1L, "b", 2L), values));
        KeyTemplate t = KeyTemplate.parse("cache:${namespace}/${name}:${key}", true);
        assertThat(t.render(TableId.of("shop", "orders"), "7")).isEqualTo("cache:shop/orders:7");
        assertThat(KeyTemplate.parse("x*:${table}:${key}", true).scanPattern(TableId.of("s", "t")))
                .isEqualTo("x\\*:s.t:*");
        assertThat(values.text(new java.math.BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(values.text(java.time.LocalTime.of(13, 45))).isEqualTo("13:45:00");
        assertThat(values.text(java.util.List.of(1, "a"))).isEqualTo("[1,\"a\"]");
    }
}
