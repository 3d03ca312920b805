package dev.cdc.kafka.sink;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.CheckpointStoreFactory;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.kafka.checkpoint.KafkaCheckpointStoreFactory;
import dev.cdc.testkit.assertion.PluginFactoryAssertions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaSinkFactoryTest {

    private static Configuration options(Map<String, ?> raw) {
        return Configuration.of(new KafkaSinkFactory().options(), raw);
    }

    @Test
    void foundByServiceLoaderAndWellDeclared() {
        assertThat(PluginFactoryAssertions.assertRegistered(SinkFactory.class, "kafka", getClass().getClassLoader()))
                .isInstanceOf(KafkaSinkFactory.class);
        assertThat(PluginFactoryAssertions.assertRegistered(CheckpointStoreFactory.class, "kafka",
                getClass().getClassLoader())).isInstanceOf(KafkaCheckpointStoreFactory.class);
    }

    @Test
    void defaultsCreateAnAtLeastOnceSinkWithoutConnecting() throws Exception {
        Sink sink = new KafkaSinkFactory().create(PluginContext.of(options(Map.of(
                "bootstrap-servers", List.of("nowhere.invalid:9092"))), "orders", "events"));
        assertThat(sink.toString()).contains("at-least-once").contains("nowhere.invalid:9092");
        sink.close();
        sink.close();
    }

    @Test
    void exactlyOnceDefaultsItsTransactionalIdToPipelineAndSink() throws Exception {
        Sink sink = new KafkaSinkFactory().create(PluginContext.of(options(Map.of("delivery", "exactly-once")),
                "orders", "events"));
        assertThat(sink.toString()).contains("exactly-once, transactional.id cdc.orders.events");
        sink.close();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        KafkaSinkFactory f = new KafkaSinkFactory();
        Configuration o = options(Map.of("topic-template", "${pipeline}.${tabel}", "transactional-id", "x",
                "security-protocol", "SASL_SSL", "client-properties", Map.of("enable.idempotence", "false")));
        assertThat(f.validate(o)).extracting(p -> p.path()).contains("topic-template", "transactional-id",
                "sasl-user", "sasl-password", "client-properties.enable.idempotence");
        assertThatThrownBy(() -> f.create(PluginContext.of(o, "p", "s"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("${tabel}").hasMessageContaining("delivery: exactly-once only");
    }

    @Test
    void topicTemplatesFillTheirPlaceholdersAndReplaceCharactersKafkaRefuses() {
        TopicTemplate t = TopicTemplate.parse("${pipeline}.${namespace}.${name}", "orders");
        assertThat(t.topic(TableId.of("public", "line items"))).isEqualTo("orders.public.line_items");
        assertThat(TopicTemplate.parse("${pipeline}.${table}", "p").topic(TableId.of("", "t"))).isEqualTo("p.t");
    }
}
