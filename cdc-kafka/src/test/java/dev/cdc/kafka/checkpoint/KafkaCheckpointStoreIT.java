package dev.cdc.kafka.checkpoint;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.format.CheckpointCodec;
import dev.cdc.kafka.KafkaFixture;
import dev.cdc.testkit.fixture.TestTarget;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code kafka} checkpoint store against the real broker. */
class KafkaCheckpointStoreIT {

    private final TestTarget target = TestTarget.create();
    private final String bootstrap = KafkaFixture.bootstrap();
    private final String topic = target.name() + ".checkpoints";

    @AfterEach
    void cleanUp() throws Exception {
        KafkaFixture.deleteTopics(bootstrap, t -> t.startsWith(target.name()));
        target.deleteDirectory();
    }

    private CheckpointStore store(String pipeline) {
        KafkaCheckpointStoreFactory f = new KafkaCheckpointStoreFactory();
        Configuration o = Configuration.of(f.options(), Map.of("bootstrap-servers", List.of(bootstrap), "topic", topic));
        return f.create(PluginContext.of(o, pipeline, "checkpoint"));
    }

    private static Checkpoint at(String pipeline, long seq) {
        return new Checkpoint(pipeline, Position.ofSequence(seq), Instant.ofEpochMilli(1_700_000_000_000L + seq),
                Map.of("events-since-start", Long.toString(seq + 1)));
    }

    @Test
    void aFreshStoreLoadsTheLatestCheckpointOfItsPipelineOnly() throws Exception {
        try (CheckpointStore a = store("a"); CheckpointStore b = store("b")) {
            assertThat(a.load()).isEmpty();
            // more saves than the first backwards step reads, interleaved with another pipeline's
            for (long i = 0; i < 300; i++) {
                a.save(at("a", i));
                if (i % 50 == 0) {
                    b.save(at("b", i));
                }
            }
        }
        try (CheckpointStore a = store("a"); CheckpointStore b = store("b"); CheckpointStore c = store("c")) {
            assertThat(a.load()).contains(at("a", 299));
            assertThat(b.load()).contains(at("b", 250));
            assertThat(c.load()).isEmpty();
            assertThat(a.describe()).contains(topic).contains("'a'").contains(bootstrap);
        }
        assertThat(KafkaFixture.admin(bootstrap).describeConfigs(List.of(new org.apache.kafka.common.config
                .ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic))).all().get()
                .values().iterator().next().get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void aCheckpointOfAnAbortedOrOpenTransactionIsNeverLoaded() throws Exception {
        try (CheckpointStore store = store("p")) {
            store.save(at("p", 1));
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("transactional.id", target.name() + "-zombie");
            p.put("key.serializer", ByteArraySerializer.class.getName());
            p.put("value.serializer", ByteArraySerializer.class.getName());
            try (KafkaProducer<byte[], byte[]> zombie = new KafkaProducer<>(p)) {
                zombie.initTransactions();
                zombie.beginTransaction();
                zombie.send(new ProducerRecord<>(topic, "p".getBytes(StandardCharsets.UTF_8),
                        CheckpointCodec.encode(at("p", 9)))).get();
                zombie.flush();
                assertThat(store.load()).as("open transaction").contains(at("p", 1));
                zombie.abortTransaction();
            }
            assertThat(store.load()).as("aborted transaction").contains(at("p", 1));
            store.save(at("p", 2));
            assertThat(store.load()).contains(at("p", 2));
        }
    }

    @Test
    void aRecordThatIsNotACheckpointIsReportedWithTopicAndKey() throws Exception {
        try (CheckpointStore store = store("p")) {
            store.save(at("p", 1));
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("key.serializer", ByteArraySerializer.class.getName());
            p.put("value.serializer", ByteArraySerializer.class.getName());
            try (KafkaProducer<byte[], byte[]> other = new KafkaProducer<>(p)) {
                other.send(new ProducerRecord<>(topic, "p".getBytes(StandardCharsets.UTF_8),
                        "{\"hello\":1}".getBytes(StandardCharsets.UTF_8))).get();
            }
            assertThatThrownBy(store::load).hasMessageContaining(topic).hasMessageContaining("key 'p'")
                    .hasMessageContaining("format_version");
        }
    }
}
