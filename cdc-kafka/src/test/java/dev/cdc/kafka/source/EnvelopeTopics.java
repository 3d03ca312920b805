package dev.cdc.kafka.source;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * Test fixture: writes events to topics of the broker services.sh starts, as the kafka sink writes
 * them (cdc envelope through {@link EnvelopeWriter}, key = the row key), each send acknowledged
 * before the next: a plain idempotent producer with acks=all.
 */
final class EnvelopeTopics implements AutoCloseable {

    static final String BOOTSTRAP = System.getProperty("cdc.kafka.bootstrap", "127.0.0.1:9092");

    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final EnvelopeWriter writer;

    EnvelopeTopics(String pipeline) {
        Properties p = new Properties();
        p.put("bootstrap.servers", BOOTSTRAP);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "0");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of("bootstrap.servers", BOOTSTRAP));
        writer = EnvelopeWriter.of(EnvelopeFormat.CDC, pipeline);
    }

    void createTopic(String topic, int partitions) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    void deleteTopics(String... topics) {
        try {
            admin.deleteTopics(List.of(topics)).all().get();
        } catch (Exception e) {
            // best effort: a test's topics have unique names
        }
    }

    /** Writes the event's envelope to {@code topic}, keyed by its row key (no key for schema changes). */
    void write(String topic, StreamEvent event) throws Exception {
        byte[] key = event instanceof ChangeEvent c ? writer.keyToBytes(c) : null;
        producer.send(new ProducerRecord<>(topic, key, writer.toBytes(event))).get();
    }

    /** Writes raw bytes. */
    void writeRaw(String topic, byte[] key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
