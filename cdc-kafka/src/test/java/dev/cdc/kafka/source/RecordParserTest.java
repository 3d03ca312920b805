package dev.cdc.kafka.source;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeReader;
import dev.cdc.format.EnvelopeWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A poll parsed on several threads gives, record by record, what the source thread alone gives,
 * and leaves to the source thread exactly the records whose parse depends on the schema history.
 */
class RecordParserTest {

    private static final TableId ORDERS = TableId.of("public", "orders");
    private static final Instant T = Instant.parse("2026-01-02T13:45:00.123456Z");
    private static final TableSchema V1 = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
            Column.of("name", DataType.string()), Column.of("amount", DataType.decimal(12, 2)),
            Column.of("at", DataType.timestampTz(6)), Column.of("small", DataType.int16())), List.of("id"));
    private static final EnvelopeWriter WRITER = EnvelopeWriter.of(EnvelopeFormat.CDC, "up");

    private static byte[] row(long i, long version) {
        Row after = Row.builder().put("id", i).put("name", "n" + i).put("amount", BigDecimal.valueOf(i, 2))
                .put("at", T.plusNanos(i * 1000)).put("small", (short) (i % 300)).build();
        return WRITER.toBytes(ChangeEvent.insert(ORDERS, Row.of("id", i), after, T, Position.ofSequence(i))
                .withSchemaVersion(version));
    }

    @Test
    void aPollParsedOnSeveralThreadsGivesWhatTheSourceThreadAloneGives() throws Exception {
        SchemaHistory history = new SchemaHistory(null);
        history.add(SchemaChangeEvent.of(V1, Position.ofSequence(0), T));
        history.shape(ORDERS, Position.sortKeyOf(1), 1); // resolved on the source thread: known to the decoders
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> polled = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        long seq = 1;
        for (int p = 0; p < 3; p++) {
            TopicPartition tp = new TopicPartition("t", p);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int o = 0; o < 200; o++) {
                byte[] value;
                long s = seq++;
                if (o == 50) {
                    value = "not json".getBytes(StandardCharsets.UTF_8);
                } else if (o == 60) {
                    value = null; // a tombstone
                } else if (o == 70) {
                    value = WRITER.toBytes(SchemaChangeEvent.of(V1, Position.ofSequence(s), T));
                    unknown.add(p + "/" + o);
                } else if (o % 40 == 7) {
                    value = row(s, 2); // a schema version the history has not resolved yet
                    unknown.add(p + "/" + o);
                } else {
                    value = row(s, 1);
                }
                records.add(new ConsumerRecord<>(tp.topic(), p, o, new byte[] {1}, value));
            }
            polled.put(tp, records);
        }
        ConsumerRecords<byte[], byte[]> poll = new ConsumerRecords<>(polled, Map.of());
        try (RecordParser parser = new RecordParser(EnvelopeFormat.CDC, history, 3, "test")) {
            Map<TopicPartition, Object[]> parsed = parser.parse(poll);
            int inParallel = 0;
            List<String> leftInOrder = new ArrayList<>();
            for (TopicPartition tp : poll.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> records = poll.records(tp);
                Object[] results = parsed.get(tp);
                assertThat(results).hasSameSizeAs(records);
                for (int i = 0; i < records.size(); i++) {
                    ConsumerRecord<byte[], byte[]> r = records.get(i);
                    Object got = results[i];
                    if (got == RecordParser.IN_ORDER) {
                        leftInOrder.add(tp.partition() + "/" + i);
                    } else if (got instanceof RuntimeException e) {
                        assertThatThrownBy(() -> EnvelopeReader.readRecord(r.key(), r.value(), EnvelopeFormat.CDC, history))
                                .hasMessage(e.getMessage());
                    } else {
                        List<StreamEvent> events = ((List<?>) got).stream()
                                .map(re -> ((dev.cdc.format.ReadEvent) re).event()).toList();
                        List<StreamEvent> alone = EnvelopeReader.readRecord(r.key(), r.value(), EnvelopeFormat.CDC, history)
                                .stream().map(dev.cdc.format.ReadEvent::event).toList();
                        assertThat(events).as("record %s/%d", tp, i).isEqualTo(alone);
                        if (!events.isEmpty()) {
                            inParallel++;
                            assertThat(events.get(0).position()).isEqualTo(Position.ofSequence(tp.partition() * 200L + i + 1));
                        }
                    }
                }
            }
            assertThat(leftInOrder).containsExactlyElementsOf(unknown);
            assertThat(inParallel).isEqualTo(3 * (200 - 2 - 5 - 1));
        }
        try (RecordParser alone = new RecordParser(EnvelopeFormat.CDC, history, 1, "test")) {
            assertThat(alone.parse(poll)).isEmpty(); // every record parsed in order on the source thread
        }
    }
}
