package dev.cdc.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.sink.LogEntry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

/** Test access to a Kafka broker, bypassing the plugins: read topics back, delete them. */
public final class KafkaFixture {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaFixture() {
    }

    /** The shared test broker of scripts/services.sh; fails (never skips) when it is down. */
    public static String bootstrap() {
        Services.requireReachable(Service.KAFKA);
        return Services.kafkaBootstrapServers();
    }

    public static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        return Admin.create(p);
    }

    /** The topics whose name the predicate accepts. */
    public static Set<String> topics(String bootstrap, Predicate<String> which) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            return Set.copyOf(admin.listTopics().names().get().stream().filter(which).toList());
        }
    }

    public static void deleteTopics(String bootstrap, Predicate<String> which) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<String> names = admin.listTopics().names().get().stream().filter(which).toList();
            if (!names.isEmpty()) {
                admin.deleteTopics(names).all().get();
            }
        }
    }

    /**
     * Every record of the topics, from the beginning to the end they have now; with
     * {@code readCommitted} only records of committed transactions (what a read_committed consumer sees).
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, Set<String> topics,
                                                                boolean readCommitted) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        p.put("enable.auto.commit", "false");
        p.put("allow.auto.create.topics", "false");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t, Duration.ofSeconds(10)).forEach(pi -> partitions.add(new TopicPartition(t,
                        pi.partition())));
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("reading " + topics + " to " + end + " took over 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    public static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + new String(bytes), e);
        }
    }

    /** A {@code cdc} envelope as the contract kit's log entry. */
    public static LogEntry logEntry(byte[] envelope) {
        JsonNode n = json(envelope);
        Optional<Row> after = Optional.empty();
        if (n.hasNonNull("after")) {
            Row.Builder row = Row.builder();
            n.get("after").fields().forEachRemaining(f -> row.put(f.getKey(), scalar(f.getValue())));
            if (n.has("unchanged")) {
                n.get("unchanged").forEach(col -> row.put(col.asText(), Unchanged.VALUE));
            }
            after = Optional.of(row.build());
        }
        Row.Builder key = Row.builder();
        n.get("key").fields().forEachRemaining(f -> key.put(f.getKey(), scalar(f.getValue())));
        return new LogEntry(Operation.parse(n.get("op").asText()), TableId.parse(n.get("table").asText()),
                key.build(), after);
    }

    private static Object scalar(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.isTextual() ? v.asText() : v.toString();
    }
}
