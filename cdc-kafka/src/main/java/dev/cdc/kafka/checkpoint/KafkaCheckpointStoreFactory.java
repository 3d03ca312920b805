package dev.cdc.kafka.checkpoint;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.CheckpointStoreFactory;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.kafka.KafkaClientConfig;

import java.util.List;
import java.util.Set;

/** The {@code kafka} checkpoint store: checkpoints in a compacted topic. Connects to nothing. */
public final class KafkaCheckpointStoreFactory implements CheckpointStoreFactory {

    /** Settings the store's durability rests on. */
    private static final Set<String> OWNED = Set.of("acks", "enable.idempotence", "isolation.level",
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public String description() {
        return "Keeps each pipeline's checkpoint in a compacted Kafka topic (key: the pipeline), so a pipeline "
                + "can move between machines; committed with an exactly-once kafka sink's transactions.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return KafkaCheckpointStoreOptions.ALL;
    }

    @Override
    public List<ConfigProblem> validate(Configuration o) {
        return KafkaClientConfig.bind(o).problems(OWNED);
    }

    @Override
    public CheckpointStore create(PluginContext context) {
        Configuration o = context.options();
        requireValid(o);
        return new KafkaCheckpointStore(KafkaClientConfig.bind(o), context.pipelineName(),
                o.get(KafkaCheckpointStoreOptions.TOPIC),
                o.getOptional(KafkaCheckpointStoreOptions.REPLICATION_FACTOR).map(Integer::shortValue),
                o.get(KafkaCheckpointStoreOptions.TIMEOUT));
    }
}
