package dev.cdc.kafka.source;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;
import dev.cdc.kafka.KafkaClientConfig;

import java.util.ArrayList;
import java.util.List;

/** Builds the {@code kafka} source. Opens nothing. */
public final class KafkaSourceFactory implements SourceFactory {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public String description() {
        return "Reads topics written by the kafka sink (cdc envelope) or by Debezium (JSON) and feeds any sink; "
                + "group offsets are committed only when every sink acknowledged";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return KafkaSourceOptions.all();
    }

    @Override
    public List<ConfigProblem> validate(Configuration options) {
        List<ConfigProblem> problems = new ArrayList<>(KafkaSourceConfig.problems(options));
        try {
            KafkaClientConfig.from(options, KafkaSourceConfig.OWNED);
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        return problems;
    }

    @Override
    public Source create(PluginContext context) {
        requireValid(context.options());
        return new KafkaSource(KafkaSourceConfig.from(context.options()), context.pipelineName(),
                context.instanceName());
    }
}
