package dev.cdc.plugins.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.cdc.plugins.sink.SinkFixtures.COMMIT;
import static dev.cdc.plugins.sink.SinkFixtures.ORDERS;
import static dev.cdc.plugins.sink.SinkFixtures.create;
import static dev.cdc.plugins.sink.SinkFixtures.inserts;
import static dev.cdc.plugins.sink.SinkFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSinkTest {

    @TempDir
    Path dir;

    private FileSink sink(Path file, Object... more) {
        Map<String, Object> options = new java.util.HashMap<>();
        options.put("path", file.toString());
        for (int i = 0; i < more.length; i += 2) {
            options.put((String) more[i], more[i + 1]);
        }
        return (FileSink) create(new FileSinkFactory(), options);
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void writesOneEnvelopePerLineIntoNewParentDirectories() throws Exception {
        Path file = dir.resolve("a/b/events.jsonl");
        try (FileSink sink = sink(file)) {
            sink.open();
            sink.write(inserts(0, 3));
            sink.flush();
        }

        List<String> lines = lines(file);
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode n = parse(lines.get(i));
            assertThat(n.get("op").asText()).isEqualTo("c");
            assertThat(n.get("key").get("id").longValue()).isEqualTo(i);
            assertThat(n.get("after").get("total").asText()).isEqualTo("12345678901234567890.123456789");
            assertThat(n.get("source").get("pipeline").asText()).isEqualTo("orders");
        }
    }

    @Test
    void everythingWrittenIsInTheFileAfterFlush() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (FileSink sink = sink(file)) {
            sink.open();
            List<ChangeEvent> many = inserts(0, 5_000);
            sink.write(many.subList(0, 2_500));
            sink.write(many.subList(2_500, 5_000));
            sink.flush();

            List<String> lines = lines(file);
            assertThat(lines).hasSize(5_000);
            assertThat(parse(lines.get(4_999)).get("key").get("id").longValue()).isEqualTo(4_999L);

            sink.write(inserts(5_000, 5_001));
            sink.flush();
            assertThat(lines(file)).hasSize(5_001);
        }
    }

    @Test
    void aReopenedFileIsAppendedTo() throws Exception {
        Path file = dir.resolve("events.jsonl");
        for (int run = 0; run < 2; run++) {
            try (FileSink sink = sink(file, "fsync", false)) {
                sink.open();
                sink.write(inserts(run * 10, run * 10 + 2));
                sink.flush();
            }
        }

        assertThat(lines(file)).extracting(l -> parse(l).get("key").get("id").longValue())
                .containsExactly(0L, 1L, 10L, 11L);
    }

    @Test
    void aPartialLastLineLeftByACrashIsFollowedByANewLine() throws Exception {
        Path file = dir.resolve("events.jsonl");
        String whole = "{\"op\":\"c\"}\n";
        Files.writeString(file, whole + "{\"op\":\"c\",\"tab");
        try (FileSink sink = sink(file)) {
            sink.open();
            sink.write(inserts(7, 8));
            sink.flush();
        }

        List<String> lines = lines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).isEqualTo("{\"op\":\"c\",\"tab");
        assertThat(parse(lines.get(2)).get("key").get("id").longValue()).isEqualTo(7L);
    }

    @Test
    void anEventThatCannotBeEncodedLeavesNoPartialLine() throws Exception {
        Path file = dir.resolve("events.jsonl");
        Object bad = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("unprintable");
            }
        };
        List<ChangeEvent> batch = new ArrayList<>(inserts(0, 2));
        batch.add(ChangeEvent.insert(ORDERS, Row.of("id", 2L), Row.of("id", 2L, "v", bad), COMMIT,
                Position.ofSequence(2)));
        try (FileSink sink = sink(file)) {
            sink.open();
            assertThatThrownBy(() -> sink.write(batch)).hasMessageContaining("unprintable");
            sink.write(inserts(3, 4));
            sink.flush();
        }

        assertThat(lines(file)).extracting(l -> parse(l).get("key").get("id").longValue())
                .containsExactly(0L, 1L, 3L);
    }

    @Test
    void schemaChangesAreWrittenInTheStream() throws Exception {
        Path file = dir.resolve("events.jsonl");
        TableSchema schema = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64())), List.of("id"));
        // a MySQL-shaped position: Debezium's MySQL connector writes schema changes (PostgreSQL's has none)
        Position mysql = Position.of(Map.of("file", "mysql-bin.000001", "pos", "4"), Position.sortKeyOf(1));
        try (FileSink sink = sink(file, "format", "debezium")) {
            sink.open();
            sink.write(inserts(0, 1));
            sink.applySchemaChange(SchemaChangeEvent.of(schema, mysql, COMMIT));
            sink.write(inserts(2, 3));
            sink.flush();
        }

        // one line per Debezium record: topic, key and value
        List<String> lines = lines(file);
        assertThat(lines).hasSize(3);
        assertThat(parse(lines.get(0)).get("value").get("source").get("connector").asText()).isEqualTo("cdc");
        assertThat(parse(lines.get(0)).get("key").get("id").longValue()).isEqualTo(0L);
        assertThat(parse(lines.get(1)).get("topic").asText()).isEqualTo("orders");
        assertThat(parse(lines.get(1)).get("value").get("tableChanges").get(0).get("type").asText()).isEqualTo("CREATE");
        assertThat(parse(lines.get(2)).get("value").get("after").get("id").longValue()).isEqualTo(2L);
    }

    @Test
    void closeIsIdempotentDropsUnflushedLinesAndRefusesWrites() throws Exception {
        Path file = dir.resolve("events.jsonl");
        FileSink sink = sink(file);
        sink.open();
        sink.write(inserts(0, 1));
        sink.flush();
        sink.write(inserts(1, 2));
        sink.close();
        sink.close();

        assertThat(lines(file)).hasSize(1);
        assertThatThrownBy(() -> sink.write(inserts(2, 3))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(sink::flush).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void writingBeforeOpenSaysSo() {
        FileSink sink = sink(dir.resolve("x.jsonl"));

        assertThatThrownBy(() -> sink.write(inserts(0, 1))).hasMessageContaining("call open()");
        assertThat(dir.resolve("x.jsonl")).doesNotExist();
    }

    @Test
    void aDirectoryAsPathFailsToOpenWithTheReason() throws Exception {
        FileSink sink = sink(dir);

        assertThatThrownBy(sink::open).hasMessageContaining(dir.toString()).hasMessageContaining("path");
        sink.close();
    }

    @Test
    void pathIsRequired() {
        assertThatThrownBy(() -> create(new FileSinkFactory(), Map.of("format", "cdc")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> create(new FileSinkFactory(), Map.of("path", "/tmp/x", "format", "avro")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cdc, debezium");
    }
}
