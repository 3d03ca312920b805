package dev.cdc.kafka.sink;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.kafka.KafkaCluster;
import dev.cdc.kafka.KafkaFixture;
import dev.cdc.testkit.fixture.TestTarget;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Against a private three-node KRaft cluster (scripts/kafka-cluster.sh), with topic auto-creation off:
 * the partition leader's broker is killed mid-stream and nothing is lost, the pipeline going on
 * without a restart; and a write to a topic that does not exist fails clearly and as retriable.
 */
class KafkaClusterIT {

    private static final TestTarget TARGET = TestTarget.create();
    private static KafkaCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaCluster.start(TARGET.directory().resolve("cluster"), 3, "auto.create.topics.enable=false");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        TARGET.deleteDirectory();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theLeadersBrokerIsKilledMidStreamAndNothingIsLost() throws Exception {
        String topic = TARGET.name("failover");
        try (Admin admin = KafkaFixture.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")), new NewTopic(topic + ".schema", 1, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
        }
        long count = 30_000;
        Pipeline pipeline = Pipeline.builder("failover")
                .source("generator", Map.of("count", count, "rate", 5000, "keys", 500, "tables", List.of("demo.orders")))
                .sink("kafka", "kafka", Map.of("bootstrap-servers", List.of(cluster.bootstrap().split(",")),
                        "topic-template", topic, "schema-topic", topic + ".schema", "delivery-timeout", "20s"))
                .checkpoint("memory", Map.of())
                .build();
        pipeline.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (pipeline.status().sinks().get(0).written() < count / 4) {
                assertThat(System.nanoTime()).as("a quarter written within 60 s").isLessThan(deadline);
                assertThat(pipeline.state()).isNotEqualTo(PipelineState.FAILED);
                Thread.sleep(20);
            }
            int leader;
            try (Admin admin = KafkaFixture.admin(cluster.bootstrap())) {
                leader = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0)
                        .leader().id();
            }
            long writtenAtKill = pipeline.status().sinks().get(0).written();
            cluster.kill(leader);
            assertThat(pipeline.awaitTermination(Duration.ofMinutes(2))).as("the pipeline completes").isTrue();
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.COMPLETED);
            System.out.printf("failover: killed node %d (the leader) after %d of %d events%n", leader, writtenAtKill,
                    count);
            assertThat(writtenAtKill).as("killed mid-stream").isLessThan(count);
        } finally {
            pipeline.close();
        }
        BitSet seen = new BitSet();
        for (ConsumerRecord<byte[], byte[]> r : KafkaFixture.readAll(cluster.bootstrap(), Set.of(topic), true)) {
            if (r.value() != null) {
                seen.set(KafkaFixture.json(r.value()).get("source").get("position").get("sequence").asInt());
            }
        }
        int missing = seen.nextClearBit(1);
        assertThat(missing).as("the first sequence missing from the topic (1..%d expected)", count)
                .isGreaterThan((int) count);
    }

    @Test
    void aTopicThatMayNotBeCreatedFailsClearlyAndRetriably() throws Exception {
        KafkaSinkFactory f = new KafkaSinkFactory();
        Sink sink = f.create(PluginContext.of(Configuration.of(f.options(), Map.of(
                "bootstrap-servers", List.of(cluster.bootstrap().split(",")),
                "topic-template", TARGET.name("missing") + ".${name}", "delivery-timeout", "3s")), "p", "events"));
        try {
            sink.open();
            ChangeEvent e = ChangeEvent.insert(TableId.of("shop", "orders"), Row.of("id", 1L),
                    Row.of("id", 1L, "note", "x"), Instant.now(), Position.ofSequence(1));
            Throwable thrown = catchThrowable(() -> sink.write(List.of(e)));
            assertThat(thrown).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("sink 'events'")
                    .hasMessageContaining(TARGET.name("missing") + ".orders")
                    .hasMessageContaining("topic does not exist")
                    .hasMessageContaining("auto.create.topics.enable");
        } finally {
            sink.close();
        }
    }
}
