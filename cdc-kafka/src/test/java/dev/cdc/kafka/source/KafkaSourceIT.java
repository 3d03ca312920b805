package dev.cdc.kafka.source;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kafka source's own behaviour against the broker of services.sh: group offsets follow the
 * checkpoints and survive a rebalance (no acknowledged event is read again, none after it is lost),
 * a bad record stops the source naming topic, partition and offset (or is skipped with
 * {@code bad-records: skip}), and schema changes of the schema topic reach the pipeline before the
 * rows that need them.
 */
class KafkaSourceIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final TableId T = TableId.of("test", "t");
    private final String name = "kafkasrc-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private final String topic = name;
    private final String schemas = name + ".schemas";
    private final EnvelopeTopics topics = new EnvelopeTopics("upstream");
    private long sequence;

    @AfterEach
    void cleanUp() {
        topics.deleteTopics(topic, schemas);
        topics.close();
    }

    private Source source(Map<String, Object> extra) {
        KafkaSourceFactory f = new KafkaSourceFactory();
        Map<String, Object> raw = new HashMap<>(Map.of("bootstrap-servers", List.of(EnvelopeTopics.BOOTSTRAP),
                "topics", List.of(topic), "schema-topic", schemas, "group-id", name, "poll-timeout", "100ms"));
        raw.putAll(extra);
        return f.create(PluginContext.of(Configuration.of(f.options(), raw), "it", "source"));
    }

    private SourceRunner start(Source source, Optional<Position> resume) throws Exception {
        return SourceRunner.start(source, new RecordingSourceContext("it", resume), TIMEOUT);
    }

    private void insert(long id) throws Exception {
        Row after = Row.of("id", id, "name", "n" + id, "amount", new BigDecimal(id + ".50"));
        topics.write(topic, ChangeEvent.insert(T, Row.of("id", id), after, Instant.now(), Position.ofSequence(++sequence))
                .withSchemaVersion(1));
    }

    private static Set<Long> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> (Long) e.key().get("id")).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void groupOffsetsFollowCheckpointsAndARebalanceLosesNothingAcknowledged() throws Exception {
        topics.createTopic(topic, 2);
        topics.createTopic(schemas, 1);
        topics.write(schemas, SchemaChangeEvent.of(EnvelopeDriver.schema(T), Position.ofSequence(++sequence), Instant.now()));
        for (long id = 1; id <= 20; id++) {
            insert(id);
        }
        SourceRunner a = start(source(Map.of()), Optional.empty());
        List<ChangeEvent> first = a.context().awaitChanges(e -> true, 20, TIMEOUT);
        assertThat(first.stream().filter(e -> e.key().get("id").equals(1L)).findFirst().orElseThrow().after()
                .orElseThrow().get("amount")).as("typed by the schema topic").isEqualTo(new BigDecimal("1.50"));
        assertThat(a.context().events().get(0)).as("the schema change comes before the first row")
                .isInstanceOf(SchemaChangeEvent.class);
        ChangeEvent acked = first.get(14);
        a.source().commit(acked.position());
        Map<String, Long> expected = new HashMap<>();
        acked.position().offsets().forEach((p, o) -> expected.put(p, Long.parseLong(o)));
        awaitGroupOffsets(expected);

        for (long id = 21; id <= 40; id++) {
            insert(id);
        }
        SourceRunner b = start(source(Map.of()), Optional.empty()); // same group: the partitions are shared out again
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Set<Long> notAcked = new TreeSet<>(ids(first.subList(15, 20)));
        for (long id = 21; id <= 40; id++) {
            notAcked.add(id);
        }
        while (true) {
            Set<Long> seen = new TreeSet<>(ids(a.context().changeEvents()));
            seen.addAll(ids(b.context().changeEvents()));
            if (seen.containsAll(notAcked)) {
                break;
            }
            assertThat(System.nanoTime()).as("every event after the acknowledged one arrives; seen %s", seen)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(ids(b.context().changeEvents())).as("the new member reads nothing the group had acknowledged")
                .doesNotContainAnyElementsOf(ids(first.subList(0, 15)));
        a.close();
        b.close();
    }

    @Test
    void aBadRecordStopsTheSourceNamingWhereItIsOrIsSkipped() throws Exception {
        topics.createTopic(topic, 1);
        insert(1);
        topics.writeRaw(topic, null, "{\"op\":\"c\",\"table\":".getBytes(StandardCharsets.UTF_8));
        insert(2);
        SourceRunner failing = start(source(Map.of()), Optional.empty());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (failing.failure().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(failing.failure()).as("run() failed").isPresent();
        assertThat(failing.failure().get()).hasMessageContaining("topic '" + topic + "' partition 0 offset 1")
                .hasMessageContaining("not JSON").hasMessageContaining("bad-records: skip");
        assertThat(ids(failing.context().changeEvents())).containsExactly(1L);
        failing.close();

        SourceRunner skipping = start(source(Map.of("bad-records", "skip", "group-id", name + "-skip")), Optional.empty());
        assertThat(ids(skipping.context().awaitChanges(e -> true, 2, TIMEOUT))).containsExactly(1L, 2L);
        assertThat(skipping.failure()).isEmpty();
        skipping.close();
    }

    private void awaitGroupOffsets(Map<String, Long> expected) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", EnvelopeTopics.BOOTSTRAP))) {
            while (true) {
                Map<String, Long> committed = new HashMap<>();
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(name)
                        .partitionsToOffsetAndMetadata().get();
                offsets.forEach((tp, o) -> committed.put(tp.topic() + "/" + tp.partition(), o.offset()));
                if (committed.equals(expected)) {
                    return;
                }
                assertThat(System.nanoTime()).as("group offsets %s become the checkpoint's %s", committed, expected)
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }
}
