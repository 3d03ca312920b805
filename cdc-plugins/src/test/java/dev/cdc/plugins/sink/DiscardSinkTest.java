package dev.cdc.plugins.sink;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.PluginMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

import static dev.cdc.plugins.sink.SinkFixtures.COMMIT;
import static dev.cdc.plugins.sink.SinkFixtures.ORDERS;
import static dev.cdc.plugins.sink.SinkFixtures.inserts;
import static org.assertj.core.api.Assertions.assertThat;

class DiscardSinkTest {

    @Test
    void countsEventsAndSchemaChangesAndReportsAMetric() throws Exception {
        AtomicLong metric = new AtomicLong();
        PluginMetrics metrics = new PluginMetrics() {
            @Override
            public Counter counter(String name, String description, String... tags) {
                assertThat(name).isEqualTo("cdc.sink.discard.events");
                return metric::addAndGet;
            }

            @Override
            public void gauge(String name, String description, DoubleSupplier value, String... tags) {
            }
        };
        PluginContext context = new PluginContext() {
            @Override
            public Configuration options() {
                return Configuration.of(List.of(DiscardSinkFactory.DELAY_PER_BATCH), java.util.Map.of());
            }

            @Override
            public String pipelineName() {
                return "p";
            }

            @Override
            public String instanceName() {
                return "sinks[0]";
            }

            @Override
            public PluginMetrics metrics() {
                return metrics;
            }
        };
        DiscardSink sink = (DiscardSink) new DiscardSinkFactory().create(context);
        TableSchema schema = new TableSchema(ORDERS, List.of(Column.of("id", DataType.int64())), List.of());

        sink.open();
        sink.write(inserts(0, 3));
        sink.write(inserts(3, 10));
        sink.applySchemaChange(SchemaChangeEvent.of(schema, Position.ofSequence(10), COMMIT));
        sink.flush();
        sink.close();
        sink.close();

        assertThat(sink.eventCount()).isEqualTo(10);
        assertThat(sink.schemaChangeCount()).isEqualTo(1);
        assertThat(metric.get()).isEqualTo(10);
    }
}
