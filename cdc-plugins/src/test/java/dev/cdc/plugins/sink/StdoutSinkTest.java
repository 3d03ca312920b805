package dev.cdc.plugins.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.cdc.api.event.Position;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.event.SchemaChangeEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.cdc.plugins.sink.SinkFixtures.COMMIT;
import static dev.cdc.plugins.sink.SinkFixtures.JSON;
import static dev.cdc.plugins.sink.SinkFixtures.ORDERS;
import static dev.cdc.plugins.sink.SinkFixtures.create;
import static dev.cdc.plugins.sink.SinkFixtures.inserts;
import static dev.cdc.plugins.sink.SinkFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StdoutSinkTest {

    private final PrintStream original = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private boolean capturedClosed;

    @BeforeEach
    void capture() {
        System.setOut(new PrintStream(captured, false, StandardCharsets.UTF_8) {
            @Override
            public void close() {
                capturedClosed = true;
                super.close();
            }
        });
    }

    @AfterEach
    void restore() {
        System.setOut(original);
    }

    private String output() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesOneEnvelopePerLineAndFlushesOnFlush() throws Exception {
        try (StdoutSink sink = (StdoutSink) create(new StdoutSinkFactory(), Map.of())) {
            sink.open();
            sink.write(inserts(0, 2));
            sink.flush();

            String[] lines = output().split("\n", -1);
            assertThat(lines).hasSize(3);
            assertThat(lines[2]).isEmpty();
            assertThat(parse(lines[0]).get("op").asText()).isEqualTo("c");
            assertThat(parse(lines[1]).get("key").get("id").longValue()).isEqualTo(1L);
            assertThat(parse(lines[1]).get("source").get("pipeline").asText()).isEqualTo("orders");
        }
        assertThat(capturedClosed).isFalse();
    }

    @Test
    void debeziumAndPrettyOptions() throws Exception {
        TableSchema schema = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64())), List.of("id"));
        try (StdoutSink sink = (StdoutSink) create(new StdoutSinkFactory(), Map.of("format", "debezium", "pretty", true))) {
            sink.open();
            sink.write(inserts(0, 2));
            sink.applySchemaChange(SchemaChangeEvent.of(schema, Position.of(Map.of("file", "mysql-bin.000001", "pos",
                    "4"), Position.sortKeyOf(2)), COMMIT));
            sink.flush();
        }

        String out = output();
        assertThat(out.lines().count()).isGreaterThan(10);
        try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(out)) {
            List<JsonNode> all = values.readAll();
            assertThat(all).hasSize(3);
            assertThat(all.get(0).get("value").get("source").get("connector").asText()).isEqualTo("cdc");
            assertThat(all.get(1).get("value").get("after").get("id").longValue()).isEqualTo(1L);
            assertThat(all.get(2).get("value").has("tableChanges")).isTrue();
        }
    }

    @Test
    void closeIsIdempotentAndLeavesStandardOutputOpen() throws Exception {
        StdoutSink sink = (StdoutSink) create(new StdoutSinkFactory(), Map.of());
        sink.open();
        sink.write(inserts(0, 1));
        sink.close();
        sink.close();

        assertThat(capturedClosed).isFalse();
        assertThat(output()).isEmpty();
        assertThatThrownBy(() -> sink.write(inserts(1, 2))).isInstanceOf(IllegalStateException.class);
    }
}
