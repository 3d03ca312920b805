package dev.cdc.sink.redis;

import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Sink;
import dev.cdc.format.JsonValues;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Values and keyless tables in the row modes: every value is stored as the value codec's text
 * (the texts no Java type holds included), and a table without a primary key keeps the lane going
 * under every {@code keyless-tables} policy: hashed rows (replays idempotent, deletes find their
 * row), skipped rows, or a clear failure of that row only.
 */
class RedisValuesIT extends RedisTargetTest {

    private static final TableId HISTORY = TableId.of("bench", "history");
    private static final Instant T = Instant.parse("2024-05-01T10:15:30Z");

    private long sequence = 1;

    private ChangeEvent insert(TableId table, Row key, Row row) {
        return ChangeEvent.insert(table, key, row, T, Position.ofSequence(sequence++));
    }

    @Test
    void specialValuesAreStoredAsTheirText() throws Exception {
        TableId table = TableId.of("m", "vals");
        Row row = Row.of("id", 1L, "d", "infinity", "t", "24:00:00", "z", "2024-02-00 10:00:00", "n", Double.NaN,
                "dec", new BigDecimal("12345678901234567890.123456789012345678"), "ts",
                LocalDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000), "bc", LocalDate.of(-43, 3, 15),
                "j", "{\"a\": 0.1000}");
        for (String mode : List.of("hash", "json")) {
            try (Sink sink = open(mode, Map.of("key-template", target.name() + ":" + mode + ":${table}:${key}"))) {
                sink.write(List.of(insert(table, Row.of("id", 1L), row)));
                sink.flush();
            }
        }
        Map<String, String> hash = redis.jedis().hgetAll(target.name() + ":hash:m.vals:1");
        row.asMap().forEach((column, value) -> assertThat(hash.get(column)).as(column).isEqualTo(JsonValues.text(value)));
        String json = redis.jedis().get(target.name() + ":json:m.vals:1");
        assertThat(json).contains("\"d\":\"infinity\"").contains("\"t\":\"24:00:00\"")
                .contains("\"dec\":\"12345678901234567890.123456789012345678\"").contains("\"n\":\"NaN\"")
                .contains("\"ts\":\"+294276-12-31T23:59:59.999999\"").contains("\"j\":\"{\\\"a\\\": 0.1000}\"");
    }

    @Test
    void keylessRowsAreHashedByDefaultSoReplaysAndDeletesWork() throws Exception {
        Row a = Row.of("aid", 1, "delta", 5, "mtime", LocalDateTime.of(2024, 1, 1, 0, 0, 0, 1000));
        Row b = Row.of("aid", 2, "delta", -3, "mtime", LocalDateTime.of(2024, 1, 1, 0, 0, 0, 2000));
        for (String mode : List.of("hash", "json")) {
            String prefix = target.name() + ":" + mode;
            try (Sink sink = open(mode, Map.of("key-template", prefix + ":${table}:${key}"))) {
                List<ChangeEvent> inserts = List.of(insert(HISTORY, Row.empty(), a), insert(HISTORY, Row.empty(), b));
                sink.write(inserts);
                sink.flush();
                sink.write(inserts); // a replay lands on the same keys
                sink.flush();
                assertThat(redis.keys(prefix + ":bench.history:*")).hasSize(2);
                // MySQL (and PostgreSQL with REPLICA IDENTITY FULL) send the whole before row
                sink.write(List.of(ChangeEvent.update(HISTORY, Row.empty(), b, Row.of("aid", 2, "delta", 7,
                        "mtime", LocalDateTime.of(2024, 1, 1, 0, 0, 0, 2000)), T, Position.ofSequence(sequence++)),
                        ChangeEvent.delete(HISTORY, Row.empty(), a, T, Position.ofSequence(sequence++))));
                sink.flush();
                List<Row> rows = mode.equals("hash") ? redis.hashRows(prefix, HISTORY) : redis.jsonRows(prefix, HISTORY);
                assertThat(rows).hasSize(1);
                assertThat(String.valueOf(rows.get(0).get("delta"))).isEqualTo("7");
            }
        }
    }

    @Test
    void keylessRowsCanBeSkippedOrFailedOneByOne() throws Exception {
        Row a = Row.of("aid", 1, "delta", 5);
        try (Sink sink = open("hash", Map.of("keyless-tables", "skip"))) {
            sink.write(List.of(insert(HISTORY, Row.empty(), a)));
            sink.flush();
        }
        assertThat(redis.keys(target.name() + ":bench.history:*")).isEmpty();

        try (Sink sink = open("hash", Map.of("keyless-tables", "fail"))) {
            ChangeEvent keyless = insert(HISTORY, Row.empty(), a);
            ChangeEvent keyed = insert(TableId.of("bench", "accounts"), Row.of("aid", 1), a);
            sink.write(List.of(keyless, keyed));
            Throwable thrown = catchThrowable(sink::flush);
            assertThat(thrown).isInstanceOf(PartialWriteException.class);
            List<PartialWriteException.EventFailure> failures = ((PartialWriteException) thrown).failures();
            assertThat(failures).extracting(PartialWriteException.EventFailure::event).containsExactly(keyless);
            assertThat(failures.get(0).reason()).contains("bench.history").contains("keyless-tables");
            assertThat(redis.keys(target.name() + ":bench.accounts:*")).hasSize(1);
        }

        // an update without its before row cannot find the old row's key: that row fails, clearly
        try (Sink sink = open("hash", Map.of())) {
            ChangeEvent update = ChangeEvent.update(HISTORY, Row.empty(), null, a, T, Position.ofSequence(sequence++));
            sink.write(List.of(update));
            Throwable thrown = catchThrowable(sink::flush);
            assertThat(((PartialWriteException) thrown).failures().get(0).event()).isSameAs(update);
            assertThat(thrown.getMessage()).contains("REPLICA IDENTITY FULL");
        }
    }
}
