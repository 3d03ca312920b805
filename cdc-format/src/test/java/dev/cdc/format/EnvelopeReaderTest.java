package dev.cdc.format;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.cdc.format.Events.COMMIT;
import static dev.cdc.format.Events.ORDERS;
import static dev.cdc.format.Events.POSITION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cdc envelope read back: what EnvelopeWriter wrote comes back as the same event, values exact. */
class EnvelopeReaderTest {

    private static final TableSchema SCHEMA = new TableSchema(ORDERS, List.of(
            Column.notNull("id", DataType.int64()),
            Column.of("small", DataType.int16()),
            Column.of("mid", DataType.int32()),
            Column.of("total", DataType.decimal(30, 9)),
            Column.of("ratio", DataType.float64()),
            Column.of("f", DataType.float32()),
            Column.of("flag", DataType.bool()),
            Column.of("name", DataType.string()),
            Column.of("doc", DataType.json()),
            Column.of("raw", DataType.bytes()),
            Column.of("day", DataType.date()),
            Column.of("at", DataType.time(6)),
            Column.of("atz", DataType.time(0)),
            Column.of("local", DataType.timestamp(6)),
            Column.of("zoned", DataType.timestampTz(6)),
            Column.of("offset", DataType.timestampTz(0)),
            Column.of("uid", DataType.uuid()),
            Column.of("tags", DataType.arrayOf(DataType.string())),
            Column.of("nums", DataType.arrayOf(DataType.decimal(10, 2))),
            Column.of("inf", DataType.date())), List.of("id"));

    private static final EnvelopeReader.Schemas KNOWN = (t, sk, v) -> Optional.of(SCHEMA);

    private static Row fullRow() {
        return Row.builder()
                .put("id", Long.MAX_VALUE).put("small", (short) -32768).put("mid", Integer.MIN_VALUE)
                .put("total", new BigDecimal("12345678901234567890.123456789")).put("ratio", 0.1)
                .put("f", Float.NaN).put("flag", true).put("name", "héllo \"x\"").put("doc", "{\"a\": 0.1000}")
                .put("raw", new byte[] {0, -1, 104, 105}).put("day", LocalDate.of(-43, 3, 15))
                .put("at", LocalTime.of(13, 45, 0, 123_456_000)).put("atz", OffsetTime.of(8, 0, 0, 0, ZoneOffset.ofHoursMinutes(-5, -30)))
                .put("local", LocalDateTime.of(2026, 1, 2, 13, 45, 0, 123_456_000))
                .put("zoned", Instant.parse("2026-01-02T13:45:00.123456Z"))
                .put("offset", OffsetDateTime.of(2026, 1, 2, 13, 45, 0, 0, ZoneOffset.ofHours(2)))
                .put("uid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))
                .put("tags", List.of("a", "b")).put("nums", List.of(new BigDecimal("1.50"), new BigDecimal("-0.01")))
                .put("inf", "infinity").build();
    }

    private static StreamEvent roundTrip(StreamEvent e, EnvelopeReader.Schemas schemas) {
        return EnvelopeReader.read(Events.writer(EnvelopeFormat.CDC).toBytes(e), schemas);
    }

    @Test
    void everyValueOfTheValueTableComesBackExactlyWithTheSchema() {
        Row after = fullRow();
        ChangeEvent insert = ChangeEvent.insert(ORDERS, Row.of("id", Long.MAX_VALUE), after, COMMIT, POSITION)
                .withTransactionId("771").withSchemaVersion(3).withHeader("tenant", "acme");
        ChangeEvent back = (ChangeEvent) roundTrip(insert, KNOWN);
        assertThat(back.operation()).isEqualTo(insert.operation());
        assertThat(back.table()).isEqualTo(ORDERS);
        assertThat(back.key()).isEqualTo(insert.key());
        assertThat(back.position()).isEqualTo(POSITION);
        assertThat(back.position().sortKey()).isEqualTo(POSITION.sortKey());
        assertThat(back.commitTime()).isEqualTo(COMMIT);
        assertThat(back.transactionId()).contains("771");
        assertThat(back.schemaVersion()).isEqualTo(3);
        assertThat(back.headers()).containsEntry("tenant", "acme");
        Row got = back.after().orElseThrow();
        assertThat(got.columns()).containsExactlyElementsOf(after.columns());
        for (String c : after.columns()) {
            Object expected = after.get(c);
            if (expected instanceof byte[] b) {
                assertThat((byte[]) got.get(c)).as(c).isEqualTo(b);
            } else {
                assertThat(got.get(c)).as(c).isEqualTo(expected);
                if (!(expected instanceof List)) {
                    assertThat(got.get(c).getClass()).as("class of %s", c).isEqualTo(expected.getClass());
                }
            }
        }
        // the scale of a decimal is kept, not only its value
        assertThat(((BigDecimal) ((List<?>) got.get("nums")).get(0)).scale()).isEqualTo(2);
    }

    @Test
    void withoutASchemaValuesKeepJsonKinds() {
        ChangeEvent insert = ChangeEvent.insert(ORDERS, Row.of("id", 7L),
                Row.of("id", 7L, "total", new BigDecimal("1.50"), "ratio", 0.25, "name", "x"), COMMIT, POSITION);
        Row got = ((ChangeEvent) roundTrip(insert, EnvelopeReader.Schemas.NONE)).after().orElseThrow();
        assertThat(got.get("id")).isEqualTo(7L);
        assertThat(got.get("total")).isEqualTo("1.50");
        assertThat(got.get("ratio")).isEqualTo(new BigDecimal("0.25"));
    }

    @Test
    void updatesDeletesTruncatesAndUnchangedColumns() {
        Row before = Row.of("id", 1L, "name", "a");
        Row after = Row.builder().put("id", 1L).put("name", "b").put("doc", Unchanged.VALUE).build();
        ChangeEvent update = ChangeEvent.update(ORDERS, Row.of("id", 1L), before, after, COMMIT, POSITION);
        ChangeEvent u = (ChangeEvent) roundTrip(update, KNOWN);
        assertThat(u.before()).contains(before);
        assertThat(u.after().orElseThrow().isUnchanged("doc")).isTrue();
        assertThat(u.after().orElseThrow().get("name")).isEqualTo("b");

        ChangeEvent delete = ChangeEvent.delete(ORDERS, Row.of("id", 1L), before, COMMIT, POSITION);
        assertThat(roundTrip(delete, KNOWN)).isEqualTo(delete);
        ChangeEvent truncate = ChangeEvent.truncate(ORDERS, COMMIT, POSITION);
        assertThat(roundTrip(truncate, KNOWN)).isEqualTo(truncate);
    }

    @Test
    void schemaChangesComeBackWithBothSchemas() {
        TableSchema old = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64())), List.of("id"));
        SchemaChangeEvent change = new SchemaChangeEvent(ORDERS, Optional.of(old), Optional.of(SCHEMA), List.of(),
                Optional.of("ALTER TABLE orders ADD ..."), POSITION, COMMIT);
        SchemaChangeEvent back = (SchemaChangeEvent) roundTrip(change, KNOWN);
        assertThat(back.before()).contains(old);
        assertThat(back.after()).contains(SCHEMA);
        assertThat(back.ddl()).contains("ALTER TABLE orders ADD ...");
        assertThat(back.position()).isEqualTo(POSITION);
        SchemaChangeEvent drop = new SchemaChangeEvent(ORDERS, Optional.of(old), Optional.empty(), List.of(),
                Optional.empty(), POSITION, COMMIT);
        assertThat(((SchemaChangeEvent) roundTrip(drop, KNOWN)).after()).isEmpty();
    }

    @Test
    void badInputNamesWhatIsWrong() {
        assertThatThrownBy(() -> EnvelopeReader.read("{\"op\":".getBytes(StandardCharsets.UTF_8), KNOWN))
                .isInstanceOf(CdcException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> EnvelopeReader.read("{\"op\":\"x\",\"table\":\"a.b\",\"source\":{\"position\":{},\"sort_key\":\"01\",\"commit_ts\":\"2026-01-02T13:45:00Z\"}}"
                .getBytes(StandardCharsets.UTF_8), KNOWN))
                .isInstanceOf(CdcException.class).hasMessageContaining("'op' was 'x'");
        assertThatThrownBy(() -> EnvelopeReader.read("{\"op\":\"c\",\"table\":\"a.b\"}".getBytes(StandardCharsets.UTF_8), KNOWN))
                .isInstanceOf(CdcException.class).hasMessageContaining("'source'");
    }
}
