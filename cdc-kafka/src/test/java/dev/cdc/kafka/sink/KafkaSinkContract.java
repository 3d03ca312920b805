package dev.cdc.kafka.sink;

import dev.cdc.api.spi.SinkFactory;
import dev.cdc.kafka.KafkaFixture;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.sink.LogEntry;
import dev.cdc.testkit.sink.SinkCapability;
import dev.cdc.testkit.sink.SinkView;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.cdc.testkit.sink.SinkCapability.*;

/**
 * The sink conformance suite against the real broker (a LOG: every event a record), read back with
 * a read_committed consumer; each subclass names its delivery mode.
 */
abstract class KafkaSinkContract extends dev.cdc.testkit.sink.SinkContract {

    abstract String delivery();

    @Override
    protected SinkFactory factory() {
        return new KafkaSinkFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        Map<String, Object> o = new HashMap<>(Map.of("bootstrap-servers", List.of(KafkaFixture.bootstrap()),
                "topic-template", target.name() + ".${table}", "schema-topic", target.name() + "._schema",
                "delivery", delivery()));
        if (delivery().equals("exactly-once")) {
            o.put("state-topic", target.name() + "._state");
        }
        return o;
    }

    @Override
    protected Set<SinkCapability> capabilities() {
        return EnumSet.of(LOG, DELETES, UNCHANGED_COLUMNS, TRUNCATE, COMPOSITE_KEYS, SCHEMA_CHANGES);
    }

    @Override
    protected SinkView view(TestTarget target) throws Exception {
        String bootstrap = KafkaFixture.bootstrap();
        Set<String> topics = KafkaFixture.topics(bootstrap, t -> t.startsWith(target.name() + ".")
                && !t.startsWith(target.name() + "._"));
        List<LogEntry> entries = KafkaFixture.readAll(bootstrap, topics, true).stream()
                .filter(r -> r.value() != null) // tombstones follow deletes
                .map(ConsumerRecord::value).map(KafkaFixture::logEntry).toList();
        return (SinkView.Log) () -> entries;
    }

    @Override
    protected void cleanUp(TestTarget target) throws Exception {
        KafkaFixture.deleteTopics(KafkaFixture.bootstrap(), t -> t.startsWith(target.name() + "."));
    }
}
