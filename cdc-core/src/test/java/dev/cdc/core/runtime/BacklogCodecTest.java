package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BacklogCodecTest {

    static final TableId TABLE = TableId.of("public", "orders");

    /** A row with one column of every type of the value table, and its edge values. */
    static Row everyType() {
        return Row.builder().put("id", 9_223_372_036_854_775_807L).put("i", -7).put("s", (short) 12)
                .put("y", (byte) -3).put("flag", true).put("text", "naïve \"quoted\" \n line").put("nul", null)
                .put("d", 0.1 + 0.2).put("nan", Double.NaN).put("inf", Double.NEGATIVE_INFINITY).put("f", 1.1f)
                .put("money", new BigDecimal("12.50")).put("big", new BigDecimal("1E+3"))
                .put("bytes", new byte[] {0, -1, 127}).put("ts", Instant.parse("2026-12-06T22:00:00.123456789Z"))
                .put("ldt", LocalDateTime.of(2024, 2, 29, 23, 59, 59, 1_000)).put("date", LocalDate.of(-44, 3, 15))
                .put("time", LocalTime.of(0, 0)).put("odt", OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 6_000_000,
                        ZoneOffset.ofHoursMinutes(5, 30)))
                .put("ot", OffsetTime.of(10, 0, 0, 0, ZoneOffset.UTC)).put("uuid", UUID.fromString(
                        "123e4567-e89b-12d3-a456-426614174000"))
                .put("arr", Arrays.asList(1L, null, 3L)).put("nested", List.of(List.of("a"), List.of()))
                .put("times", List.of(Instant.parse("1969-12-31T23:59:59.999999999Z"), LocalTime.MAX,
                        LocalDateTime.of(-9999, 1, 1, 0, 0, 0, 1), LocalDate.of(+99999, 12, 31)))
                .put("toast", Unchanged.VALUE).build();
    }

    @Test
    void everyValueTypeComesBackAsTheSameJavaValue() throws Exception {
        Row before = everyType();
        Row after = before.with("text", "after");
        ChangeEvent update = ChangeEvent.update(TABLE, Row.of("id", before.get("id")), before, after,
                Instant.parse("2026-12-06T21:00:00.000001Z"), Position.of(Map.of("lsn", "0/16B3748", "tx", "7"),
                        "00000000016b3748")).withTransactionId("4711").withSchemaVersion(3)
                .withHeader("trace", "abc");
        ChangeEvent delete = ChangeEvent.delete(TABLE, Row.of("id", 2L), null, Instant.EPOCH, Position.ofSequence(8));
        ChangeEvent truncate = ChangeEvent.truncate(TABLE, Instant.EPOCH, Position.ofSequence(9));
        LaneBatch batch = new LaneBatch(List.of(LaneEntry.row(update, 7), LaneEntry.row(delete, 8),
                LaneEntry.row(truncate, 9)), 9, Position.ofSequence(9), Instant.parse("2026-12-06T21:00:00Z"),
                Instant.parse("2026-12-06T21:00:01Z"));

        LaneBatch back = BacklogCodec.decode(BacklogCodec.encode(batch));

        assertThat(back).isEqualTo(batch);
        assertThat(back.entries()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(back.entries().get(i).sequence()).isEqualTo(batch.entries().get(i).sequence());
            assertThat(back.entries().get(i).event()).isEqualTo(batch.entries().get(i).event());
        }
        ChangeEvent decoded = (ChangeEvent) back.entries().get(0).event();
        Row row = decoded.before().orElseThrow();
        for (String column : before.columns()) {
            Object expected = before.get(column);
            Object actual = row.get(column);
            if (expected == null) {
                assertThat(actual).as(column).isNull();
            } else {
                assertThat(actual).as(column).isInstanceOf(expected instanceof List ? List.class : expected.getClass());
            }
        }
        assertThat(row).isEqualTo(before);
        assertThat(((BigDecimal) row.get("money")).scale()).isEqualTo(2);
        assertThat(((BigDecimal) row.get("big")).scale()).isEqualTo(-3);
        assertThat(row.isUnchanged("toast")).isTrue();
        assertThat(new ArrayList<>(row.columns())).containsExactlyElementsOf(before.columns());
        assertThat(decoded.position().sortKey()).isEqualTo("00000000016b3748");
    }

    @Test
    void aBatchWithASchemaChangeOrAnUnknownValueTypeIsUnspillable() {
        ChangeEvent row = ChangeEvent.insert(TABLE, Row.of("id", 1L), Row.of("id", 1L, "odd", new StringBuilder("x")),
                Instant.EPOCH, Position.ofSequence(1));
        assertThatThrownBy(() -> BacklogCodec.encode(new LaneBatch(List.of(LaneEntry.row(row, 1)), 1,
                Position.ofSequence(1), Instant.EPOCH, Instant.EPOCH))).isInstanceOf(BacklogCodec.Unspillable.class)
                .hasMessageContaining("java.lang.StringBuilder");
        SchemaChangeEvent change = SchemaChangeEvent.of(SchemaEvolutionTest.V1, Position.ofSequence(2), Instant.EPOCH);
        assertThatThrownBy(() -> BacklogCodec.encode(new LaneBatch(List.of(LaneEntry.schemaChange(change, 2,
                java.util.Optional.empty())), 2, Position.ofSequence(2), Instant.EPOCH, Instant.EPOCH)))
                .isInstanceOf(BacklogCodec.Unspillable.class);
    }
}
