package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.testkit.source.RecordingSourceContext.BackfillChunk;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backfills while streaming, on the shared server: chunks between pg_logical_emit_message
 * watermarks, under a writer that inserts, updates (v = v + 1) and deletes rows of the table
 * being read. The events, applied in emit order, end equal to the table, and no backfilled row
 * is older than a streamed row of the same key emitted before it (v never goes down per key).
 */
class BackfillIT extends PgTestBase {

    private static final Duration LONG = Duration.ofSeconds(120);

    @Test
    void aBackfillUnderAConcurrentWriterEndsEqualAndNeverGoesBackInTime() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        int rows = 30_000;
        Pg.exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, " + rows + ") g");
        SourceRunner r = start(options("snapshot-mode", "never", "backfill-chunk-size", 500), Optional.empty());
        Pg.exec("UPDATE " + t + " SET v = v + 1 WHERE id = 1");
        await("the stream", () -> of(r, t).size() == 1, LONG);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        List<Thread> writers = startWriters(List.of(t), stop, writes, rows);
        r.context().addBackfill(BackfillRequest.table("b1", TableId.of("public", t)));
        await("the backfill", () -> finished(r, "b1"), LONG);
        stopWriters(writers, stop);
        Pg.exec("INSERT INTO " + t + " VALUES (-1, 0)");
        await("the last write", () -> of(r, t).stream().anyMatch(e -> Long.valueOf(-1).equals(e.key().get("id"))),
                LONG);

        List<ChangeEvent> events = of(r, t);
        assertThat(writes.get()).as("the writer ran during the backfill").isGreaterThan(100);
        assertThat(events.stream().filter(e -> e.operation() == Operation.READ).count())
                .as("backfilled rows").isGreaterThan(rows / 2);
        assertThat(fold(events)).isEqualTo(tableState(t));
        assertNeverBackInTime(events);
        List<BackfillChunk> chunks = chunks(r, "b1");
        assertThat(chunks.size()).as("chunks of 500").isGreaterThanOrEqualTo(rows / 500);
        assertThat(chunks.get(0).rowsEstimated()).isGreaterThan(0);
        assertThat(chunks).allSatisfy(c -> assertThat(c.at()).isNotNull());
        assertThat(r.context().backfillFailures()).isEmpty();
        // every backfilled event carries the request's id and goes to every sink
        assertThat(events.stream().filter(e -> e.operation() == Operation.READ))
                .allSatisfy(e -> {
                    assertThat(e.header(BackfillRequest.ID_HEADER)).contains("b1");
                    assertThat(e.header(BackfillRequest.SINKS_HEADER)).isEmpty();
                });
    }

    @Test
    void aKeyListReadsFoundKeysDeletesAbsentOnesAndTargetsItsSinks() throws Exception {
        String t = table("k", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Pg.exec("INSERT INTO " + t + " SELECT g, g FROM generate_series(1, 10) g");
        SourceRunner r = start(options("snapshot-mode", "never"), Optional.empty());
        r.context().addBackfill(new BackfillRequest("k1", TableId.of("public", t), Optional.empty(),
                List.of(List.of("3"), List.of("77"), List.of("5")), Set.of("es"), Optional.empty()));
        await("the backfill", () -> finished(r, "k1"), LONG);
        List<ChangeEvent> events = of(r, t);
        assertThat(events).extracting(e -> e.operation() + " " + e.key().get("id"))
                .containsExactly("READ 3", "READ 5", "DELETE 77");
        assertThat(events).allSatisfy(e -> assertThat(e.header(BackfillRequest.SINKS_HEADER)).contains("es"));
    }

    @Test
    void aResumedBackfillStartsAfterItsResumePointAndAWhereNarrowsIt() throws Exception {
        String t = table("w", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Pg.exec("INSERT INTO " + t + " SELECT g, g FROM generate_series(1, 100) g");
        SourceRunner r = start(options("snapshot-mode", "never", "backfill-chunk-size", 7), Optional.empty());
        r.context().addBackfill(new BackfillRequest("w1", TableId.of("public", t), Optional.of("v % 10 = 0"),
                List.of(), Set.of(), Optional.of(List.of("50"))));
        r.context().addBackfill(new BackfillRequest("bad", TableId.of("public", t), Optional.of("no_such_column = 1"),
                List.of(), Set.of(), Optional.empty()));
        await("the backfill", () -> finished(r, "w1"), LONG);
        assertThat(of(r, t)).extracting(e -> e.key().get("id")).containsExactly(60L, 70L, 80L, 90L, 100L);
        await("the refusal", () -> !r.context().backfillFailures().isEmpty(), LONG);
        assertThat(r.context().backfillFailures().get(0)).startsWith("bad: ").contains("no_such_column");
    }

    @Test
    void aTableAddedToThePublicationIsBackfilledAutomatically() throws Exception {
        String a = table("p", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner r = start(options("snapshot-mode", "never"), Optional.empty());
        Pg.exec("INSERT INTO " + a + " VALUES (1, 1)");
        await("the stream", () -> of(r, a).size() == 1, LONG);
        String b = table("q", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Pg.exec("INSERT INTO " + b + " SELECT g, g FROM generate_series(1, 1000) g",
                "ALTER PUBLICATION " + slot + " ADD TABLE " + b);
        await("the automatic backfill", () -> r.context().backfillIds().stream().anyMatch(id -> id.contains(b))
                && r.context().backfills().isEmpty(), LONG);
        Pg.exec("UPDATE " + b + " SET v = v + 1 WHERE id <= 10", "DELETE FROM " + b + " WHERE id = 1000");
        await("the streamed changes", () -> count(r, b, Operation.DELETE) == 1, LONG);
        assertThat(fold(of(r, b))).isEqualTo(tableState(b));
        List<StreamEvent> stream = r.context().events();
        int schema = -1;
        int firstRow = -1;
        for (int i = stream.size() - 1; i >= 0; i--) {
            if (stream.get(i).table().name().equals(b)) {
                if (stream.get(i) instanceof SchemaChangeEvent) {
                    schema = i;
                } else {
                    firstRow = i;
                }
            }
        }
        assertThat(schema).as("the new table's schema comes before its first row").isGreaterThanOrEqualTo(0)
                .isLessThan(firstRow);
    }

    /** Per key, in emit order, v never goes down and nothing follows a DELETE (ids are never reused). */
    static void assertNeverBackInTime(List<ChangeEvent> events) {
        Map<Object, Long> last = new HashMap<>();
        Map<Object, String> lastSort = new HashMap<>();
        for (ChangeEvent e : events) {
            Object id = e.key().get("id");
            String sort = e.position().sortKey();
            String before = lastSort.put(id, sort);
            assertThat(before == null || before.compareTo(sort) < 0)
                    .as("sort keys of id %s increase in emit order: %s then %s (%s)", id, before, sort, e.operation())
                    .isTrue();
            if (e.operation() == Operation.DELETE) {
                last.put(id, Long.MAX_VALUE);
                continue;
            }
            long v = ((Number) e.after().map(Row::asMap).orElseThrow().get("v")).longValue();
            Long prev = last.put(id, v);
            assertThat(prev == null || prev <= v).as("id %s: v %s after %s (%s)", id, v, prev, e.operation()).isTrue();
        }
    }

    static boolean finished(SourceRunner r, String id) {
        return r.context().backfillChunks().stream().anyMatch(c -> c.id().equals(id) && c.finished());
    }

    static List<BackfillChunk> chunks(SourceRunner r, String id) {
        return r.context().backfillChunks().stream().filter(c -> c.id().equals(id)).toList();
    }
}
