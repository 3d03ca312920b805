package dev.cdc.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.format.debezium.DebeziumSettings;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.cdc.format.Events.COMMIT;
import static dev.cdc.format.Events.parse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code debezium} format's records, shapes and value conversions, checked against what
 * Debezium 3.0.8 wrote for the same values (the golden tests in cdc-debezium-golden compare whole
 * runs against the real engine).
 */
class DebeziumRecordsTest {

    private static final TableId PG = TableId.of("public", "t");
    private static final TableId MY = TableId.of("shop", "t");
    private static final Position PG_AT = Position.of(Map.of("lsn", "0/1E4A690", "index", "1", "change_lsn", "0/1E4A560",
            "prev_end_lsn", "0/1E4A4E8", "db", "test"), "0000000001e4a69000000001");
    private static final Position MY_AT = Position.of(Map.of("file", "mysql-bin.000001", "pos", "5200", "row", "1",
            "event_pos", "5419", "event_row", "0", "server_id", "1"), "0000000100001450" + "00000001");

    private static EnvelopeWriter writer(DebeziumSettings s) {
        return EnvelopeWriter.of(EnvelopeFormat.DEBEZIUM, "probe", Events.CLOCK, s);
    }

    private static DebeziumSettings defaults() {
        return DebeziumSettings.defaults("probe");
    }

    private static List<EnvelopeRecord> records(EnvelopeWriter w, TableSchema schema, ChangeEvent e) {
        w.records(SchemaChangeEvent.of(schema, e.position(), COMMIT));
        return w.records(e);
    }

    @Test
    void aPostgresInsertIsDebeziumsRecord() {
        TableSchema s = new TableSchema(PG, List.of(Column.notNull("id", DataType.int32()),
                Column.of("n", DataType.decimal(10, 2)), Column.of("v", DataType.decimal())), List.of("id"));
        ChangeEvent e = ChangeEvent.insert(PG, Row.of("id", 1), Row.of("id", 1, "n", new BigDecimal("12.50"),
                "v", new BigDecimal("1.10")), COMMIT, PG_AT).withTransactionId("740");

        List<EnvelopeRecord> r = records(writer(defaults()), s, e);

        assertThat(r).hasSize(1);
        assertThat(r.get(0).topic()).isEqualTo("probe.public.t");
        assertThat(new String(r.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
        JsonNode v = parse(r.get(0).value());
        assertThat(CdcEnvelopeTest.fieldNames(v)).containsExactly("before", "after", "source", "transaction", "op",
                "ts_ms", "ts_us", "ts_ns");
        assertThat(v.get("after").get("n").asText()).isEqualTo("BOI="); // 1250 at scale 2
        assertThat(v.get("after").get("v").get("scale").intValue()).isEqualTo(1); // trailing zero stripped
        assertThat(v.get("after").get("v").get("value").asText()).isEqualTo("Cw==");
        JsonNode src = v.get("source");
        assertThat(CdcEnvelopeTest.fieldNames(src)).containsExactly("version", "connector", "name", "ts_ms", "snapshot",
                "db", "sequence", "ts_us", "ts_ns", "schema", "table", "txId", "lsn", "xmin");
        assertThat(src.get("connector").asText()).isEqualTo("postgresql");
        assertThat(src.get("db").asText()).isEqualTo("test");
        assertThat(src.get("txId").longValue()).isEqualTo(740);
        assertThat(src.get("lsn").longValue()).isEqualTo(0x1E4A560L);
        assertThat(src.get("sequence").asText()).isEqualTo("[\"" + 0x1E4A4E8L + "\",\"" + 0x1E4A560L + "\"]");
        assertThat(src.get("ts_us").longValue()).isEqualTo(COMMIT.getEpochSecond() * 1_000_000L + 123_456);
        assertThat(v.get("ts_ms").longValue()).isEqualTo(Events.NOW.toEpochMilli());
    }

    @Test
    void deletesHaveTombstonesAndKeyChangesAreDeleteTombstoneCreate() {
        TableSchema s = new TableSchema(PG, List.of(Column.notNull("id", DataType.int32()), Column.of("x",
                DataType.string())), List.of("id"));
        EnvelopeWriter w = writer(defaults());
        List<EnvelopeRecord> delete = records(w, s, ChangeEvent.delete(PG, Row.of("id", 3), Row.of("id", 3), COMMIT, PG_AT));
        List<EnvelopeRecord> keyChange = w.records(ChangeEvent.update(PG, Row.of("id", 12), Row.of("id", 11),
                Row.of("id", 12, "x", "a"), COMMIT, PG_AT));
        List<EnvelopeRecord> noTombstone = writer(new DebeziumSettings("precise", Optional.empty(), "bytes", "long",
                "numeric", "json", 2, false, List.of("t"), false, "probe", false, "__debezium_unavailable_value"))
                .records(ChangeEvent.delete(PG, Row.of("id", 3), Row.of("id", 3), COMMIT, PG_AT));

        assertThat(delete).extracting(EnvelopeRecord::isTombstone).containsExactly(false, true);
        JsonNode d = parse(delete.get(0).value());
        assertThat(d.get("op").asText()).isEqualTo("d");
        assertThat(d.get("before").get("x").isNull()).isTrue(); // key-only before row: the rest null, as Debezium
        assertThat(keyChange).extracting(r -> r.value() == null ? null : parse(r.value()).get("op").asText())
                .containsExactly("d", null, "c");
        assertThat(new String(keyChange.get(1).key(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":11}");
        assertThat(keyChange.get(0).headers()).containsEntry("__debezium.newkey", "{\"id\":12}");
        assertThat(keyChange.get(2).headers()).containsEntry("__debezium.oldkey", "{\"id\":11}");
        assertThat(noTombstone).hasSize(1);
    }

    @Test
    void truncatesAreSkippedByDefault() {
        assertThat(writer(defaults()).records(ChangeEvent.truncate(PG, COMMIT, PG_AT))).isEmpty();
        DebeziumSettings none = new DebeziumSettings("precise", Optional.empty(), "bytes", "long", "numeric", "json", 2,
                true, List.of("none"), false, "probe", false, "x");
        List<EnvelopeRecord> r = writer(none).records(ChangeEvent.truncate(PG, COMMIT, PG_AT));
        assertThat(r).hasSize(1);
        assertThat(r.get(0).key()).isNull();
        assertThat(parse(r.get(0).value()).get("op").asText()).isEqualTo("t");
    }

    @Test
    void postgresTemporalAndSpecialValuesAreDebeziums() {
        TableSchema s = new TableSchema(PG, List.of(Column.notNull("id", DataType.int32()),
                Column.of("d", DataType.date()), Column.of("t", DataType.time()), Column.of("t3", DataType.time(3)),
                Column.of("ts", DataType.timestamp()), Column.of("ts3", DataType.timestamp(3)),
                Column.of("tz", DataType.timestampTz()), Column.of("iv", DataType.other("interval")),
                Column.of("tt", DataType.other("timetz")), Column.of("b", DataType.other("bit")).withSourceType("bit(12)"),
                Column.of("m", DataType.decimal(19, 2)).withSourceType("money"),
                Column.of("p", DataType.other("point")), Column.of("h", DataType.other("hstore")),
                Column.of("tsv", DataType.other("tsvector")), Column.of("big", DataType.bytes())), List.of("id"));
        Row row = Row.builder().put("id", 1).put("d", LocalDate.of(2024, 2, 29))
                .put("t", LocalTime.of(13, 45, 0, 123_456_000)).put("t3", LocalTime.of(13, 45, 0, 123_000_000))
                .put("ts", LocalDateTime.of(2024, 2, 29, 13, 45, 0, 123_456_000))
                .put("ts3", LocalDateTime.of(2024, 2, 29, 13, 45, 0, 123_000_000))
                .put("tz", Instant.parse("2024-02-29T11:45:00.123456Z")).put("iv", "1 year 2 mons 3 days 04:05:06.789")
                .put("tt", "08:00:00+05:30").put("b", "101000000001").put("m", new BigDecimal("1234.56"))
                .put("p", "(1.5,2.5)").put("h", "\"a\"=>\"1\", \"b\"=>NULL").put("tsv", "'cat'")
                .put("big", Unchanged.VALUE).build();
        JsonNode a = parse(records(writer(defaults()), s, ChangeEvent.insert(PG, Row.of("id", 1), row, COMMIT, PG_AT))
                .get(0).value()).get("after");

        // the values Debezium 3.0.8 wrote for the same rows (cdc-debezium-golden has the run)
        assertThat(a.get("d").intValue()).isEqualTo(19782);
        assertThat(a.get("t").longValue()).isEqualTo(49500123456L);
        assertThat(a.get("t3").intValue()).isEqualTo(49500123);
        assertThat(a.get("ts").longValue()).isEqualTo(1709214300123456L);
        assertThat(a.get("ts3").longValue()).isEqualTo(1709214300123L);
        assertThat(a.get("tz").asText()).isEqualTo("2024-02-29T11:45:00.123456Z");
        assertThat(a.get("iv").longValue()).isEqualTo(37091106789000L);
        assertThat(a.get("tt").asText()).isEqualTo("02:30:00Z");
        assertThat(a.get("b").asText()).isEqualTo("AQo=");
        assertThat(a.get("m").asText()).isEqualTo("AeJA");
        assertThat(a.get("p").get("wkb").asText()).isEqualTo("AQEAAAAAAAAAAAD4PwAAAAAAAARA");
        assertThat(a.get("h").asText()).isEqualTo("{\"a\":\"1\",\"b\":null}");
        assertThat(a.has("tsv")).as("a type Debezium does not map is left out").isFalse();
        assertThat(Base64.getDecoder().decode(a.get("big").asText())).asString(StandardCharsets.UTF_8)
                .isEqualTo("__debezium_unavailable_value");
    }

    @Test
    void stringDecimalModeWritesTheDigits() {
        TableSchema s = new TableSchema(PG, List.of(Column.notNull("id", DataType.int32()),
                Column.of("n", DataType.decimal(38, 18)), Column.of("v", DataType.decimal())), List.of("id"));
        Row row = Row.of("id", 1, "n", new BigDecimal("1.000000000000000001"), "v", "NaN");
        JsonNode a = parse(records(writer(defaults().withDecimalMode("string")), s,
                ChangeEvent.insert(PG, Row.of("id", 1), row, COMMIT, PG_AT)).get(0).value()).get("after");
        assertThat(a.get("n").asText()).isEqualTo("1.000000000000000001");
        assertThat(a.get("v").asText()).as("Debezium writes its enum's name").isEqualTo("NAN");
    }

    @Test
    void mysqlValuesAndSourceAreTheMysqlConnectors() {
        TableSchema s = new TableSchema(MY, List.of(Column.notNull("id", DataType.int32()).withSourceType("int(11)"),
                Column.of("b", DataType.bytes()).withSourceType("bit(12)"),
                Column.of("u", DataType.decimal(20, 0)).withSourceType("bigint(20) unsigned"),
                Column.of("t1", DataType.int16()).withSourceType("tinyint(1)"),
                Column.of("z", DataType.date()).withSourceType("date"),
                Column.of("tm", DataType.time(6)).withSourceType("time(6)"),
                Column.of("ts", DataType.timestampTz(0)).withSourceType("timestamp")), List.of("id"));
        Row row = Row.of("id", 1, "b", new byte[]{0x0a, 0x01}, "u", new BigDecimal("18446744073709551615"),
                "t1", (short) 7, "z", "2024-02-00", "tm", "-838:59:59.000000", "ts", Instant.parse("2024-02-29T13:45:00Z"));
        JsonNode v = parse(records(writer(defaults()), s, ChangeEvent.insert(MY, Row.of("id", 1), row, COMMIT, MY_AT))
                .get(0).value());
        JsonNode a = v.get("after");
        assertThat(a.get("b").asText()).isEqualTo("AQo="); // little-endian, as Debezium
        assertThat(a.get("u").longValue()).isEqualTo(-1); // Debezium's long mode wraps
        assertThat(a.get("t1").intValue()).isEqualTo(7);
        assertThat(a.get("z").isNull()).isTrue();
        assertThat(a.get("tm").longValue()).isEqualTo(-3020399000000L);
        assertThat(a.get("ts").asText()).isEqualTo("2024-02-29T13:45:00Z");
        JsonNode src = v.get("source");
        assertThat(CdcEnvelopeTest.fieldNames(src)).containsExactly("version", "connector", "name", "ts_ms", "snapshot",
                "db", "sequence", "ts_us", "ts_ns", "table", "server_id", "gtid", "file", "pos", "row", "thread", "query");
        assertThat(src.get("pos").longValue()).isEqualTo(5419);
        assertThat(src.get("server_id").longValue()).isEqualTo(1);
        assertThat(src.get("db").asText()).isEqualTo("shop");
    }

    @Test
    void unwrappedRecordsAreExtractNewRecordStates() {
        TableSchema s = new TableSchema(PG, List.of(Column.notNull("id", DataType.int32()), Column.of("x",
                DataType.string())), List.of("id"));
        EnvelopeWriter w = writer(defaults());
        w.records(SchemaChangeEvent.of(s, PG_AT, COMMIT));
        ChangeEvent delete = ChangeEvent.delete(PG, Row.of("id", 3), Row.of("id", 3, "x", "a"), COMMIT, PG_AT)
                .withHeader(EnvelopeHeaders.ENVELOPE, EnvelopeHeaders.UNWRAPPED);
        ChangeEvent insert = ChangeEvent.insert(PG, Row.of("id", 3), Row.of("id", 3, "x", "a"), COMMIT, PG_AT)
                .withHeader(EnvelopeHeaders.ENVELOPE, EnvelopeHeaders.UNWRAPPED);

        List<EnvelopeRecord> tombstone = w.records(delete);
        String rewritten = new String(w.records(delete.withHeader(EnvelopeHeaders.DELETE_HANDLING,
                EnvelopeHeaders.DELETE_REWRITE)).get(0).value(), StandardCharsets.UTF_8);
        String inserted = new String(w.records(insert.withHeader(EnvelopeHeaders.DELETE_HANDLING,
                EnvelopeHeaders.DELETE_REWRITE)).get(0).value(), StandardCharsets.UTF_8);

        assertThat(tombstone).hasSize(1);
        assertThat(tombstone.get(0).value()).isNull();
        assertThat(rewritten).isEqualTo("{\"id\":3,\"x\":\"a\",\"__deleted\":\"true\"}");
        assertThat(inserted).isEqualTo("{\"id\":3,\"x\":\"a\",\"__deleted\":\"false\"}");
    }

    @Test
    void schemasEnableWrapsKeyAndValue() {
        TableSchema s = new TableSchema(PG, List.of(Column.notNull("id", DataType.int32())), List.of("id"));
        List<EnvelopeRecord> r = records(writer(defaults().withSchemas(true)), s,
                ChangeEvent.insert(PG, Row.of("id", 1), Row.of("id", 1), COMMIT, PG_AT));
        JsonNode key = parse(r.get(0).key());
        JsonNode value = parse(r.get(0).value());
        assertThat(key.get("schema").get("name").asText()).isEqualTo("probe.public.t.Key");
        assertThat(key.get("payload").get("id").intValue()).isEqualTo(1);
        assertThat(value.get("schema").get("name").asText()).isEqualTo("probe.public.t.Envelope");
        assertThat(value.get("payload").get("op").asText()).isEqualTo("c");
    }

    @Test
    void lineSinksGetTopicKeyAndValueLinesIncludingTombstones() throws Exception {
        EnvelopeWriter w = writer(defaults());
        TableSchema s = new TableSchema(PG, List.of(Column.notNull("id", DataType.int32())), List.of("id"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var g = w.newGenerator(out)) {
            w.writeLines(SchemaChangeEvent.of(s, PG_AT, COMMIT), g); // PostgreSQL: no schema-change record
            w.writeLines(ChangeEvent.delete(PG, Row.of("id", 3), Row.of("id", 3), COMMIT, PG_AT), g);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(parse(lines[0].getBytes(StandardCharsets.UTF_8)).get("value").get("op").asText()).isEqualTo("d");
        assertThat(lines[1]).isEqualTo("{\"topic\":\"probe.public.t\",\"key\":{\"id\":3},\"value\":null}");
        assertThat(Operation.DELETE.code()).isEqualTo("d");
    }
}
