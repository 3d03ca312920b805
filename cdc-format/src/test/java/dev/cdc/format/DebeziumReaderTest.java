package dev.cdc.format;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.format.debezium.DebeziumSettings;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.cdc.format.Events.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debezium's JSON read back (EnvelopeReader.readRecord): what the debezium format writes, byte for
 * byte Debezium's, gives back the values and the schema, with the schema part; JSON's kinds without.
 */
class DebeziumReaderTest {

    private static final TableId PG = TableId.of("public", "t");
    private static final Position AT = Position.of(Map.of("lsn", "0/1E4A690", "index", "1", "change_lsn", "0/1E4A560",
            "prev_end_lsn", "0/1E4A4E8", "db", "test"), "0000000001e4a69000000001");
    private static final TableSchema SCHEMA = new TableSchema(PG, List.of(Column.notNull("id", DataType.int64()),
            Column.of("small", DataType.int16()), Column.of("n", DataType.decimal(10, 2)), Column.of("v", DataType.decimal()),
            Column.of("name", DataType.string()), Column.of("day", DataType.date()), Column.of("at", DataType.time(6)),
            Column.of("ts", DataType.timestamp(6)), Column.of("ts3", DataType.timestamp(3)),
            Column.of("tz", DataType.timestampTz(6)), Column.of("uid", DataType.uuid()), Column.of("ok", DataType.bool()),
            Column.of("f", DataType.float64()), Column.of("tags", DataType.arrayOf(DataType.string()))), List.of("id"));
    private static final Row ROW = Row.builder().put("id", 7L).put("small", (short) -3).put("n", new BigDecimal("12.50"))
            .put("v", new BigDecimal("1.10")).put("name", "héllo").put("day", LocalDate.of(2024, 2, 29))
            .put("at", LocalTime.of(13, 45, 0, 123_456_000)).put("ts", LocalDateTime.of(2024, 2, 29, 13, 45, 0, 123_456_000))
            .put("ts3", LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000))
            .put("tz", Instant.parse("2024-02-29T11:45:00.123456Z")).put("uid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))
            .put("ok", true).put("f", 0.1).put("tags", List.of("a", "b")).build();

    private static List<EnvelopeRecord> written(boolean schemas, ChangeEvent e) {
        EnvelopeWriter w = EnvelopeWriter.of(EnvelopeFormat.DEBEZIUM, "probe", Events.CLOCK,
                DebeziumSettings.defaults("probe").withSchemas(schemas));
        w.records(SchemaChangeEvent.of(SCHEMA, AT, COMMIT));
        return w.records(e);
    }

    private static List<ReadEvent> read(EnvelopeRecord r) {
        return EnvelopeReader.readRecord(r.key(), r.value(), null, EnvelopeReader.Schemas.NONE);
    }

    @Test
    void withTheSchemaPartEveryValueAndTheSchemaComeBack() {
        ChangeEvent insert = ChangeEvent.insert(PG, Row.of("id", 7L), ROW, COMMIT, AT).withTransactionId("740");
        List<ReadEvent> back = read(written(true, insert).get(0));
        assertThat(back).hasSize(1);
        ChangeEvent e = (ChangeEvent) back.get(0).event();
        assertThat(e.operation()).isEqualTo(Operation.CREATE);
        assertThat(e.table()).isEqualTo(PG);
        assertThat(e.key()).isEqualTo(Row.of("id", 7L));
        assertThat(e.transactionId()).contains("740");
        assertThat(e.commitTime()).isEqualTo(COMMIT);
        assertThat(e.position().sortKey()).as("Debezium has no sort key: the topic's reader gives one").isEmpty();
        Row after = e.after().orElseThrow();
        for (String c : ROW.columns()) {
            if (!c.equals("v")) {
                assertThat(after.get(c)).as(c).isEqualTo(ROW.get(c));
            }
        }
        // a numeric without a scale travels as Debezium's VariableScaleDecimal, which strips trailing zeros
        assertThat(after.get("v")).isEqualTo(new BigDecimal("1.1"));
        TableSchema schema = back.get(0).schema().orElseThrow();
        assertThat(schema.primaryKey()).containsExactly("id");
        assertThat(schema.column("n").orElseThrow().type()).isEqualTo(DataType.decimal(10, 2));
        assertThat(schema.column("ts").orElseThrow().type()).isEqualTo(DataType.timestamp(6));
        assertThat(schema.column("day").orElseThrow().type()).isEqualTo(DataType.date());
    }

    @Test
    void withoutTheSchemaPartValuesKeepJsonKinds() {
        ChangeEvent insert = ChangeEvent.insert(PG, Row.of("id", 7L), ROW, COMMIT, AT);
        ReadEvent back = read(written(false, insert).get(0)).get(0);
        Row after = ((ChangeEvent) back.event()).after().orElseThrow();
        assertThat(after.get("id")).isEqualTo(7L);
        assertThat(after.get("name")).isEqualTo("héllo");
        assertThat(after.get("day")).as("days since the epoch, as Debezium wrote it").isEqualTo(LocalDate.of(2024, 2, 29).toEpochDay());
        assertThat(back.schema()).isEmpty();
    }

    @Test
    void deletesAndTheirTombstones() {
        ChangeEvent delete = ChangeEvent.delete(PG, Row.of("id", 7L), ROW, COMMIT, AT);
        List<EnvelopeRecord> records = written(true, delete);
        assertThat(records).hasSize(2);
        ChangeEvent e = (ChangeEvent) read(records.get(0)).get(0).event();
        assertThat(e.operation()).isEqualTo(Operation.DELETE);
        assertThat(e.key()).isEqualTo(Row.of("id", 7L));
        assertThat(e.before().orElseThrow().get("n")).isEqualTo(new BigDecimal("12.50"));
        assertThat(read(records.get(1))).as("the tombstone").isEmpty();
    }
}
