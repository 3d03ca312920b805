package dev.cdc.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A compacted topic that keeps one value per key (the checkpoint of a pipeline, what a sink
 * committed): creates it when missing, and reads a key's latest committed value
 * ({@code read_committed}, so a value written in a transaction that was aborted or is still open
 * is never seen). Reading goes backwards from the end in growing steps, so it stays fast before
 * the log cleaner has compacted older values away.
 */
public final class CompactedTopic {

    private final KafkaClientConfig client;
    private final String topic;
    private final Optional<Short> replicationFactor;
    private final Duration timeout;

    public CompactedTopic(KafkaClientConfig client, String topic, Optional<Short> replicationFactor, Duration timeout) {
        this.client = client;
        this.topic = topic;
        this.replicationFactor = replicationFactor;
        this.timeout = timeout;
    }

    public String name() {
        return topic;
    }

    /**
     * Creates the topic (one partition, {@code cleanup.policy=compact}) unless it exists. The
     * replication factor is the configured one, else min(3, brokers); {@code min.insync.replicas}
     * is left to the broker's default.
     */
    public void ensureExists(String clientId) throws Exception {
        Properties p = client.properties(clientId, Map.of(), Map.of());
        try (Admin admin = Admin.create(p)) {
            if (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                return;
            }
            short rf = replicationFactor.orElse((short) Math.min(3,
                    admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size()));
            NewTopic t = new NewTopic(topic, 1, rf).configs(Map.of("cleanup.policy", "compact",
                    "segment.ms", "600000", "min.cleanable.dirty.ratio", "0.1"));
            try {
                admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** The latest committed value of {@code key}; empty when there is none (or it was deleted). */
    public Optional<byte[]> latest(String clientId, String key) throws Exception {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        Properties p = client.properties(clientId, Map.of(), Map.of("isolation.level", "read_committed",
                "enable.auto.commit", "false", "allow.auto.create.topics", "false",
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName()));
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                return Optional.empty();
            }
            // the partition the default partitioner gives the key
            TopicPartition tp = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(keyBytes)) % partitions.size());
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
            long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
            long deadline = System.nanoTime() + timeout.toNanos();
            for (long step = 64; end > begin; step *= 8) {
                long from = Math.max(begin, end - step);
                consumer.seek(tp, from);
                Optional<ConsumerRecord<byte[], byte[]>> found = Optional.empty();
                while (consumer.position(tp, timeout) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new org.apache.kafka.common.errors.TimeoutException("reading topic '" + topic
                                + "' up to offset " + end + " took longer than " + timeout);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                        if (r.offset() < end && Arrays.equals(r.key(), keyBytes)) {
                            found = Optional.of(r);
                        }
                    }
                }
                if (found.isPresent()) {
                    return Optional.ofNullable(found.get().value());
                }
                end = from;
            }
            return Optional.empty();
        }
    }
}
