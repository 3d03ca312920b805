package dev.cdc.kafka.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.format.DebeziumOptions;
import dev.cdc.format.EnvelopeOptions;
import dev.cdc.kafka.KafkaClientConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code kafka} sink's factory: binds the options into {@link KafkaSinkSettings}, checks how
 * they fit (templates, SASL/TLS, exactly-once options under at-least-once) and builds the sink.
 * Connects to nothing.
 */
public final class KafkaSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public String description() {
        return "Writes each change to a Kafka topic per table (key: the row key, value: the cdc or debezium "
                + "envelope), at-least-once, or exactly-once with transactions.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return KafkaSinkOptions.ALL;
    }

    @Override
    public List<ConfigProblem> validate(Configuration o) {
        List<ConfigProblem> problems = new ArrayList<>(KafkaClientConfig.bind(o).problems(KafkaSinkSettings.OWNED));
        for (ConfigOption<String> t : List.of(KafkaSinkOptions.TOPIC_TEMPLATE, KafkaSinkOptions.SCHEMA_TOPIC)) {
            try {
                TopicTemplate.parse(o.get(t), "p");
            } catch (IllegalArgumentException e) {
                problems.add(ConfigProblem.of(t.key(), "'" + o.get(t) + "' " + e.getMessage()));
            }
        }
        if (!o.get(KafkaSinkOptions.DELIVERY).equals("exactly-once")) {
            for (ConfigOption<?> option : List.of(KafkaSinkOptions.TRANSACTIONAL_ID, KafkaSinkOptions.STATE_TOPIC,
                    KafkaSinkOptions.STATE_REPLICATION_FACTOR)) {
                if (o.isSet(option)) {
                    problems.add(ConfigProblem.of(option.key(), "applies to delivery: exactly-once only, but delivery"
                            + " is " + o.get(KafkaSinkOptions.DELIVERY) + "; remove " + option.key()
                            + " or set delivery: exactly-once"));
                }
            }
        }
        return problems;
    }

    @Override
    public Sink create(PluginContext context) {
        Configuration o = context.options();
        requireValid(o);
        String pipeline = context.pipelineName();
        String sink = context.instanceName();
        KafkaSinkSettings settings = new KafkaSinkSettings(KafkaClientConfig.bind(o), pipeline, sink,
                o.get(KafkaSinkOptions.DELIVERY).equals("exactly-once"),
                o.getOptional(KafkaSinkOptions.TRANSACTIONAL_ID).orElse("cdc." + pipeline + "." + sink),
                o.get(KafkaSinkOptions.STATE_TOPIC),
                o.getOptional(KafkaSinkOptions.STATE_REPLICATION_FACTOR).map(Integer::shortValue),
                o.get(KafkaSinkOptions.DELIVERY_TIMEOUT), o.get(KafkaSinkOptions.LINGER),
                o.get(KafkaSinkOptions.BATCH_SIZE), o.get(KafkaSinkOptions.COMPRESSION));
        KafkaRecords records = new KafkaRecords(EnvelopeOptions.writer(context),
                TopicTemplate.parse(o.get(KafkaSinkOptions.TOPIC_TEMPLATE), pipeline),
                TopicTemplate.parse(o.get(KafkaSinkOptions.SCHEMA_TOPIC), pipeline),
                o.get(DebeziumOptions.TOMBSTONES_ON_DELETE));
        return new KafkaSink(settings, records);
    }
}
