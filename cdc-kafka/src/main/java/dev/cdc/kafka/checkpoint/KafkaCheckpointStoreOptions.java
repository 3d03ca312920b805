package dev.cdc.kafka.checkpoint;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.kafka.KafkaClientOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The options of the {@code kafka} checkpoint store, besides the connection ({@link KafkaClientOptions}). */
public final class KafkaCheckpointStoreOptions {

    public static final ConfigOption<String> TOPIC = ConfigOption.key("topic").stringType()
            .defaultValue("cdc.checkpoints").check(t -> t.matches("[a-zA-Z0-9._-]{1,249}"),
                    "a Kafka topic name (letters, digits, '.', '_', '-')")
            .description("The compacted topic that keeps each pipeline's checkpoint (key: the pipeline's name). "
                    + "Created when missing.");

    public static final ConfigOption<Integer> REPLICATION_FACTOR = ConfigOption.key("replication-factor").intType()
            .noDefaultValue().check(n -> n > 0 && n <= Short.MAX_VALUE, "> 0")
            .description("Replication factor of the topic when the store creates it; default min(3, brokers).");

    public static final ConfigOption<Duration> TIMEOUT = ConfigOption.key("timeout").durationType()
            .defaultValue(Duration.ofSeconds(30)).check(d -> d.toMillis() >= 1000, ">= 1s")
            .description("How long loading or saving a checkpoint may wait for the brokers.");

    static final List<ConfigOption<?>> ALL = all();

    private static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new ArrayList<>(KafkaClientOptions.all());
        all.addAll(List.of(TOPIC, REPLICATION_FACTOR, TIMEOUT));
        return List.copyOf(all);
    }

    private KafkaCheckpointStoreOptions() {
    }
}
