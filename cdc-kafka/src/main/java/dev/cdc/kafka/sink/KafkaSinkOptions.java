package dev.cdc.kafka.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.format.EnvelopeOptions;
import dev.cdc.kafka.KafkaClientOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The options of the {@code kafka} sink, besides the connection ({@link KafkaClientOptions}). See docs/cdc-kafka.md. */
public final class KafkaSinkOptions {

    public static final ConfigOption<String> DELIVERY = ConfigOption.key("delivery")
            .enumType("at-least-once", "exactly-once").defaultValue("at-least-once")
            .description("at-least-once: idempotent producer, acks=all; after a crash the events since the last "
                    + "checkpoint are written again. exactly-once: each batch is one Kafka transaction that also "
                    + "commits what the sink wrote (state-topic), so a consumer with isolation.level=read_committed "
                    + "sees every change once, across crashes and restarts.");

    public static final ConfigOption<String> TOPIC_TEMPLATE = ConfigOption.key("topic-template").stringType()
            .defaultValue("${pipeline}.${table}")
            .description("cdc format: the topic of a table's changes. ${pipeline}, ${table} (namespace.name), "
                    + "${namespace}, ${name}; characters Kafka does not allow in topic names become '_'. "
                    + "The debezium format uses Debezium's topics (topic.prefix).");

    public static final ConfigOption<String> SCHEMA_TOPIC = ConfigOption.key("schema-topic").stringType()
            .defaultValue("${pipeline}.schema-changes")
            .description("cdc format: the topic schema changes go to (key: the table), in stream order per table; "
                    + "${pipeline} as in topic-template.");

    public static final ConfigOption<String> TRANSACTIONAL_ID = ConfigOption.key("transactional-id").stringType()
            .noDefaultValue()
            .description("exactly-once: the producer's transactional.id; default cdc.<pipeline>.<sink name>. It must "
                    + "stay the same across restarts (that is how a restarted pipeline fences the crashed one) and "
                    + "differ between pipelines.");

    public static final ConfigOption<String> STATE_TOPIC = ConfigOption.key("state-topic").stringType()
            .defaultValue("cdc.sink-state")
            .description("exactly-once: the compacted topic where each transaction also records the last position "
                    + "it wrote per table (key <pipeline>/<sink>), so events replayed after a crash are not written "
                    + "twice. Created when missing.");

    public static final ConfigOption<Integer> STATE_REPLICATION_FACTOR = ConfigOption.key("state-replication-factor")
            .intType().noDefaultValue().check(n -> n > 0 && n <= Short.MAX_VALUE, "> 0")
            .description("exactly-once: replication factor of state-topic when the sink creates it; default "
                    + "min(3, brokers).");

    public static final ConfigOption<Duration> DELIVERY_TIMEOUT = ConfigOption.key("delivery-timeout").durationType()
            .defaultValue(Duration.ofSeconds(30)).check(d -> d.toMillis() >= 1000, ">= 1s")
            .description("How long one write may wait for the brokers (metadata, acknowledgements, the transaction's "
                    + "commit) before it fails as retriable and the sink's retry policy takes over.");

    public static final ConfigOption<Duration> LINGER = ConfigOption.key("linger").durationType()
            .defaultValue(Duration.ofMillis(5)).check(d -> !d.isNegative(), ">= 0")
            .description("The producer's linger.ms: how long it waits to fill a batch.");

    public static final ConfigOption<Long> BATCH_SIZE = ConfigOption.key("producer-batch-size").sizeType()
            .defaultValue(256L * 1024).check(n -> n > 0 && n <= Integer.MAX_VALUE, "> 0")
            .description("The producer's batch.size per partition, e.g. 256kb.");

    public static final ConfigOption<String> COMPRESSION = ConfigOption.key("compression")
            .enumType("none", "gzip", "snappy", "lz4", "zstd").defaultValue("lz4")
            .description("The producer's compression.type.");

    /** Every option of the sink. */
    static final List<ConfigOption<?>> ALL = all();

    private static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new ArrayList<>(KafkaClientOptions.all());
        all.addAll(List.of(DELIVERY, TOPIC_TEMPLATE, SCHEMA_TOPIC, TRANSACTIONAL_ID, STATE_TOPIC,
                STATE_REPLICATION_FACTOR, DELIVERY_TIMEOUT, LINGER, BATCH_SIZE, COMPRESSION));
        all.addAll(EnvelopeOptions.all()); // format, and the debezium format's options (tombstones.on.delete: both)
        return List.copyOf(all);
    }

    private KafkaSinkOptions() {
    }
}
