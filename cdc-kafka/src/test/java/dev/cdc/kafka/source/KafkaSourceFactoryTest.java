package dev.cdc.kafka.source;

import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.SourceFactory;
import dev.cdc.testkit.assertion.PluginFactoryAssertions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kafka source's factory: registered, defaults pinned, every problem of its options named at once. */
class KafkaSourceFactoryTest {

    private static final KafkaSourceFactory FACTORY = new KafkaSourceFactory();

    private static Configuration options(Map<String, Object> raw) {
        return Configuration.of(FACTORY.options(), raw);
    }

    @Test
    void registeredAndWellDeclared() {
        PluginFactoryAssertions.assertWellDeclared(FACTORY);
        assertThat(PluginFactoryAssertions.assertRegistered(SourceFactory.class, "kafka", getClass().getClassLoader()))
                .isInstanceOf(KafkaSourceFactory.class);
    }

    @Test
    void defaultsArePinned() {
        KafkaSourceConfig c = KafkaSourceConfig.from(options(Map.of("topics", List.of("t"), "group-id", "g")));
        assertThat(c.isolationLevel()).isEqualTo("read_committed");
        assertThat(c.startFrom()).isEqualTo("earliest");
        assertThat(c.format()).isEqualTo("auto");
        assertThat(c.skipBadRecords()).isFalse();
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.maxPollRecords()).isEqualTo(2000);
        assertThat(c.schemaTopic()).isEmpty();
        assertThat(c.consumerProperties("id")).containsEntry("enable.auto.commit", "false")
                .containsEntry("isolation.level", "read_committed").containsEntry("group.id", "g");
        assertThat(c.schemaReaderProperties("id")).doesNotContainKey("group.id");
        assertThat(c.decodeThreads()).isBetween(1, 4).isEqualTo(Math.min(4, Runtime.getRuntime().availableProcessors()));
        // static membership by default, from the pipeline's and the source's names and the host
        assertThat(c.instanceId("cdc-p-s")).hasValueSatisfying(id -> assertThat(id).startsWith("cdc-p-s.")
                .hasSizeGreaterThan(8).matches("[A-Za-z0-9._-]+"));
        assertThat(c.consumerProperties("cdc-p-s", c.instanceId("cdc-p-s")))
                .containsEntry("group.instance.id", c.instanceId("cdc-p-s").orElseThrow());
        assertThat(c.schemaReaderProperties("id")).doesNotContainKey("group.instance.id");
    }

    @Test
    void theStaticMembershipIdCanBeSetOrTurnedOff() {
        KafkaSourceConfig set = KafkaSourceConfig.from(options(Map.of("topics", List.of("t"), "group-id", "g",
                "group-instance-id", "orders-consumer-2", "decode-threads", 1)));
        assertThat(set.instanceId("cdc-p-s")).contains("orders-consumer-2");
        assertThat(set.decodeThreads()).isEqualTo(1);
        KafkaSourceConfig none = KafkaSourceConfig.from(options(Map.of("topics", List.of("t"), "group-id", "g",
                "group-instance-id", "none")));
        assertThat(none.instanceId("cdc-p-s")).isEmpty();
        assertThat(none.consumerProperties("cdc-p-s", none.instanceId("cdc-p-s"))).doesNotContainKey("group.instance.id");
        assertThat(FACTORY.validate(options(Map.of("topics", List.of("t"), "group-id", "g",
                "client-properties", Map.of("group.instance.id", "x"))))).extracting(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).contains("group.instance.id"));
        assertThatThrownBy(() -> options(Map.of("topics", List.of("t"), "group-id", "g", "group-instance-id", "a@b")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("group-instance-id")
                .hasMessageContaining("'a@b'");
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        Map<String, Object> raw = new HashMap<>(Map.of("topics", List.of("t"), "topic-pattern", "t.*", "group-id", "g",
                "client-properties", Map.of("enable.auto.commit", "true"), "security-protocol", "SASL_PLAINTEXT"));
        List<ConfigProblem> problems = FACTORY.validate(options(raw));
        assertThat(problems).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p).contains("topics")
                        .contains("topic-pattern"))
                .anySatisfy(p -> assertThat(p).contains("enable.auto.commit"))
                .anySatisfy(p -> assertThat(p).contains("sasl-user"));
        assertThatThrownBy(() -> FACTORY.create(PluginContext.of(options(raw), "p", "source")))
                .isInstanceOf(ConfigurationException.class);
        assertThat(FACTORY.validate(options(Map.of("group-id", "g")))).extracting(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).contains("nor topic-pattern"));
    }

    @Test
    void createOpensNothingAndCloseIsIdempotent() throws Exception {
        var source = FACTORY.create(PluginContext.of(options(Map.of("topics", List.of("t"), "group-id", "g",
                "bootstrap-servers", List.of("127.0.0.1:1"))), "p", "source"));
        source.close();
        source.close();
    }
}
