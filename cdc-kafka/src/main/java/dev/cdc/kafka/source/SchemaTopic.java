package dev.cdc.kafka.source;

import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.format.EnvelopeReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Reads the topic the kafka sink writes cdc schema-change envelopes to, from its start, with a
 * consumer of no group (it commits nothing). {@link #catchUp} reads to the topic's current end:
 * a row is always read after the schema change it depends on was written (the sink writes it
 * first), so reading to the end when a row names a schema version not seen yet finds it. Used
 * from the source thread only.
 */
final class SchemaTopic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaTopic.class);
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(60);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private boolean assigned;

    SchemaTopic(String topic, Properties properties) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(properties);
    }

    void catchUp(Consumer<SchemaChangeEvent> into) {
        try {
            read(into);
        } catch (TimeoutException e) {
            throw new RetriableException("kafka source: no answer from the brokers in time while reading the schema topic '"
                    + topic + "' (" + e.getMessage() + "); check bootstrap-servers and that the brokers are up", e);
        }
    }

    private void read(Consumer<SchemaChangeEvent> into) {
        if (!assigned) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                LOG.debug("schema topic '{}' does not exist (yet)", topic);
                return;
            }
            List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            assigned = true;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30));
        long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
        while (behind(end)) {
            if (System.nanoTime() > deadline) {
                throw new RetriableException("could not read the schema topic '" + topic + "' to its end "
                        + end + " within " + CATCH_UP_LIMIT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.value() == null) {
                    continue;
                }
                StreamEvent e;
                try {
                    e = EnvelopeReader.read(r.value(), EnvelopeReader.Schemas.NONE);
                } catch (RuntimeException ex) {
                    throw new dev.cdc.api.error.CdcException("schema topic '" + topic + "' partition " + r.partition()
                            + " offset " + r.offset() + ": not a cdc schema-change envelope: " + ex.getMessage(), ex);
                }
                if (e instanceof SchemaChangeEvent change) {
                    into.accept(change);
                }
            }
        }
    }

    private boolean behind(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
