package dev.cdc.kafka.source;

import dev.cdc.api.spi.SourceFactory;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.source.SourceContract;
import dev.cdc.testkit.source.SourceDriver;

import java.util.List;
import java.util.Map;

/**
 * The source contract for the {@code kafka} source: the "database" is an upstream pipeline writing
 * cdc envelopes to a data topic and schema changes to a schema topic ({@link EnvelopeDriver}); the
 * source must give back every change in order with exact types (the amount a BigDecimal, read with
 * the schema topic's column types), resume exactly after a checkpoint, and stop promptly.
 */
class KafkaSourceContractIT extends SourceContract {

    private String topicOf(TestTarget t) {
        return "kafkasrc-" + t.name();
    }

    @Override
    protected SourceFactory factory() {
        return new KafkaSourceFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget t) {
        return Map.of("bootstrap-servers", List.of(EnvelopeTopics.BOOTSTRAP), "topics", List.of(topicOf(t)),
                "schema-topic", topicOf(t) + ".schemas", "group-id", "kafkasrc-" + t.name(), "poll-timeout", "100ms");
    }

    @Override
    protected SourceDriver driver() throws Exception {
        return new EnvelopeDriver(topicOf(target()), topicOf(target()) + ".schemas");
    }
}
