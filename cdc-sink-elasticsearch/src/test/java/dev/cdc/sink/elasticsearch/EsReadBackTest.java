package dev.cdc.sink.elasticsearch;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.verify.SinkReader;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The read-back's encoding, without a server: the byte form a verify hashes is exactly the text form. */
class EsReadBackTest {

    private static final TableId TABLE = TableId.of("shop", "items");

    private static SinkReader reader() {
        Configuration options = Configuration.of(new ElasticsearchSinkFactory().options(),
                Map.of("column-types", Map.of("doc", "object")));
        return new ElasticsearchReaderFactory().create(PluginContext.of(options, "p", "es"));
    }

    private static ChangeEvent row(long id, Object name, Object doc) {
        Row after = Row.of("id", id, "name", name, "price", new BigDecimal("12.50"), "at",
                Instant.parse("2024-01-01T00:00:00.123456Z").plusSeconds(id), "day", LocalDate.of(2024, 2, 29),
                "flag", id % 2 == 0, "ratio", id % 3 == 0 ? Double.NaN : id / 3.0, "raw", new byte[] {1, 2, (byte) id},
                "tags", List.of("a", id), "doc", doc, "none", null);
        return ChangeEvent.read(TABLE, Row.of("id", id), after, Instant.EPOCH, Position.ofSequence(0));
    }

    @Test
    void theBytesOfEveryRowAreExactlyItsExpectedTextAlsoAfterARowTheSinkRejects() {
        SinkReader reader = reader();
        List<ChangeEvent> rows = new ArrayList<>();
        for (long i = 0; i < 300; i++) {
            Object name = i % 5 == 0 ? "zoë \"quoted\"\n\t€ 😀 " + i : "row " + i;
            Object doc = i == 7 ? "{not json" : "{\"g\":" + i + ",\"x\":0.10,\"n\":[1,2.50]}";
            rows.add(row(i, name, doc));
        }
        List<String> texts = new ArrayList<>();
        reader.expectedBytes(rows, (index, bytes, offset, length) -> {
            assertThat(index).isEqualTo(texts.size());
            texts.add(new String(Arrays.copyOfRange(bytes, offset, offset + length), StandardCharsets.UTF_8));
        });
        assertThat(texts).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(texts.get(i)).as("row %d", i).isEqualTo(reader.expected(rows.get(i)));
        }
        assertThat(texts.get(7)).startsWith("(the sink rejects this row:");
        assertThat(texts.get(8)).startsWith("{\"id\":8,\"name\":\"row 8\"").contains("\"doc\":{\"g\":8,\"x\":0.10,");
        // as the codec writes it (Jackson escapes a character outside the BMP)
        assertThat(texts.get(5)).contains("\"name\":\"zoë \\\"quoted\\\"\\n\\t€ \\uD83D\\uDE00 5\"");
    }

    @Test
    void theDefaultByteFormIsTheExpectedTextEncoded() throws Exception {
        SinkReader text = new SinkReader() {
            @Override
            public void open() {
            }

            @Override
            public String id(ChangeEvent row) {
                return "x";
            }

            @Override
            public String expected(ChangeEvent row) {
                return "ü" + row.after().orElseThrow().get("id");
            }

            @Override
            public Map<String, dev.cdc.api.verify.StoredRow> stored(TableId table, java.util.Collection<String> ids) {
                return Map.of();
            }

            @Override
            public void forEachId(TableId table, java.util.function.Consumer<List<String>> batch) {
            }

            @Override
            public java.util.Optional<List<String>> keyOf(TableId table, String id, int keyColumns) {
                return java.util.Optional.empty();
            }

            @Override
            public void close() {
            }
        };
        List<String> texts = new ArrayList<>();
        text.expectedBytes(List.of(row(1, "a", "{}"), row(2, "b", "{}")), (index, bytes, offset, length) ->
                texts.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));
        assertThat(texts).containsExactly("ü1", "ü2");
    }
}
