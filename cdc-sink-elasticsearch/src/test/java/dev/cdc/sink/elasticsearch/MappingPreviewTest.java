package dev.cdc.sink.elasticsearch;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.Sink;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The mapping requests {@code cdc schema plan} shows for the Elasticsearch sink, made without a server. */
class MappingPreviewTest {

    private static final TableId ORDERS = TableId.of("shop", "orders");

    @Test
    void createAddAndRetypeAreTheRequestsTheSinkSends() throws Exception {
        TableSchema v1 = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("qty", DataType.int32())), List.of("id"));
        TableSchema v2 = v1.withColumns(List.of(v1.columns().get(0), Column.of("qty", DataType.int64()),
                Column.of("note", DataType.string())));
        ElasticsearchSinkFactory f = new ElasticsearchSinkFactory();
        TestTarget target = TestTarget.create();
        try (Sink sink = f.create(TestPluginContext.bind(f, Map.of("index", "cdc_${name}"), target, "es"))) {
            assertThat(sink.previewSchemaChange(SchemaChangeEvent.of(v1, Position.ofSequence(1), Instant.EPOCH)))
                    .containsExactly("PUT /cdc_orders_v1 {\"mappings\":{\"properties\":{\"id\":{\"type\":\"long\"},"
                            + "\"qty\":{\"type\":\"integer\"}}},\"aliases\":{\"cdc_orders\":{\"is_write_index\":true}}}"
                            + "  (skipped when the alias exists)");
            SchemaChangeEvent change = new SchemaChangeEvent(ORDERS, Optional.of(v1), Optional.of(v2), List.of(
                    new SchemaChange.AddColumn(v2.column("note").orElseThrow(), Optional.of("qty")),
                    new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.int64())), Optional.empty(),
                    Position.ofSequence(2), Instant.EPOCH);
            List<String> requests = sink.previewSchemaChange(change);
            assertThat(requests).hasSize(2);
            assertThat(requests.get(0)).startsWith("PUT /cdc_orders/_mapping {\"properties\":{\"note\":{")
                    .contains("\"type\":\"text\"");
            assertThat(requests.get(1)).startsWith("PUT /cdc_orders_v<next> with the index's mapping and"
                    + " {\"properties\":{\"qty\":{\"type\":\"long\"}}}").contains("POST /_aliases");
        } finally {
            target.deleteDirectory();
        }
    }
}
