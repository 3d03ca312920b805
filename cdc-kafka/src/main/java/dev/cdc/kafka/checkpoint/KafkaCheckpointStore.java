package dev.cdc.kafka.checkpoint;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.format.CheckpointCodec;
import dev.cdc.kafka.CompactedTopic;
import dev.cdc.kafka.KafkaClientConfig;
import dev.cdc.kafka.KafkaErrors;
import dev.cdc.kafka.TransactionalSession;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code kafka} checkpoint store: each pipeline's checkpoint is the latest record of its name
 * in a compacted topic (the JSON of {@link CheckpointCodec}, as the {@code file} store writes), so
 * a pipeline can move to another machine with no local state. {@link #save} returns when the
 * brokers acknowledged the record ({@code acks=all}); {@link #load} reads {@code read_committed}.
 *
 * <p>When the pipeline has an exactly-once {@code kafka} sink in this process, the checkpoint is
 * committed in a transaction of that sink's producer: a crashed pipeline's producer, once fenced
 * by its restarted successor, can write neither records nor checkpoints.
 *
 * <h2>Threads</h2>
 * Called from one thread at a time (the engine's checkpoint coordinator), as every store.
 */
final class KafkaCheckpointStore implements CheckpointStore {

    private final KafkaClientConfig client;
    private final String pipeline;
    private final CompactedTopic topic;
    private final Duration timeout;
    private Producer<byte[], byte[]> producer;
    private boolean topicChecked;

    KafkaCheckpointStore(KafkaClientConfig client, String pipeline, String topic, Optional<Short> replicationFactor,
                         Duration timeout) {
        this.client = client;
        this.pipeline = pipeline;
        this.topic = new CompactedTopic(client, topic, replicationFactor, timeout);
        this.timeout = timeout;
    }

    @Override
    public Optional<Checkpoint> load() throws Exception {
        ensureTopic();
        Optional<byte[]> value;
        try {
            value = topic.latest(clientId() + ".load", pipeline);
        } catch (Exception e) {
            throw KafkaErrors.classify("loading the checkpoint from " + describe(), servers(), e);
        }
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(CheckpointCodec.decode(value.get()));
        } catch (IllegalArgumentException e) {
            throw new CdcException("the checkpoint in " + describe() + " cannot be read: " + e.getMessage()
                    + "; is another program writing to that topic?", e);
        }
    }

    @Override
    public void save(Checkpoint checkpoint) throws Exception {
        ensureTopic();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic.name(),
                pipeline.getBytes(StandardCharsets.UTF_8), CheckpointCodec.encode(checkpoint));
        String what = "saving the checkpoint at " + checkpoint.position() + " to " + describe();
        Optional<TransactionalSession> session = TransactionalSession.of(pipeline);
        if (session.isPresent()) {
            session.get().commit(List.of(record), what);
            return;
        }
        try {
            if (producer == null) {
                producer = new KafkaProducer<>(client.properties(clientId(), Map.of("linger.ms", "0",
                        "max.block.ms", Long.toString(timeout.toMillis()),
                        "delivery.timeout.ms", Long.toString(timeout.toMillis()),
                        "request.timeout.ms", Long.toString(Math.max(1000, timeout.toMillis() * 2 / 3))),
                        Map.of("acks", "all", "enable.idempotence", "true",
                                "key.serializer", ByteArraySerializer.class.getName(),
                                "value.serializer", ByteArraySerializer.class.getName())));
            }
            producer.send(record).get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw KafkaErrors.classify(what, servers(), e);
        }
    }

    private void ensureTopic() {
        if (topicChecked) {
            return;
        }
        try {
            topic.ensureExists(clientId() + ".admin");
        } catch (Exception e) {
            throw KafkaErrors.classify("creating the checkpoint topic of " + describe(), servers(), e);
        }
        topicChecked = true;
    }

    private String clientId() {
        return "cdc." + pipeline + ".checkpoints";
    }

    private String servers() {
        return String.join(",", client.bootstrapServers());
    }

    @Override
    public String describe() {
        return "kafka topic '" + topic.name() + "' (key '" + pipeline + "') at " + servers();
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    @Override
    public String toString() {
        return "KafkaCheckpointStore[" + describe() + ", " + client + "]";
    }
}
