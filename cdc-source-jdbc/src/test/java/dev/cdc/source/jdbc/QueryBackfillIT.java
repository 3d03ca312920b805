package dev.cdc.source.jdbc;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.testkit.assertion.BackfillAssertions;
import dev.cdc.testkit.assertion.CanonicalRows;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backfills of jdbc-query on PostgreSQL, MariaDB and H2: each backfilled row is placed at its own
 * version (its updated_at), so a sink that orders by sort key keeps the newer of a backfilled and a
 * polled row whatever order they come in; a chunk is reported only once a checkpoint covers it.
 */
class QueryBackfillIT {

    private static final Duration LONG = Duration.ofSeconds(120);
    private static final int ROWS = 4_000;

    private static String now(TestDb db) {
        return db == TestDb.POSTGRES ? "clock_timestamp()" : db == TestDb.MARIADB ? "NOW(6)" : "LOCALTIMESTAMP(6)";
    }

    private static void fill(TestDb db, TableId t, int rows) throws Exception {
        TriggerBackfillIT.fill(db, t, rows, ", " + db.q("updated_at") + ", " + db.q("created_at"),
                ", " + now(db) + ", " + now(db));
    }

    private static Map<String, Object> options(SourceFixture f, TableId t, int chunk) {
        Map<String, Object> o = f.queryOptions(t);
        o.put("snapshot-mode", "never");
        o.put("backfill-chunk-size", chunk);
        return o;
    }

    /** The checkpoint coordinator, roughly: commits the last emitted event's position every 50 ms. */
    private static Thread committer(SourceRunner r, AtomicBoolean running) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                List<ChangeEvent> events = r.context().changeEvents();
                try {
                    if (!events.isEmpty()) {
                        r.source().commit(events.get(events.size() - 1).position());
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }, "committer");
        t.start();
        return t;
    }

    private static Map<Long, String> sink(List<ChangeEvent> events) {
        Map<Long, String> out = new TreeMap<>();
        BackfillAssertions.foldBySortKey(events, e -> e.key().get("id")).forEach((k, row) -> out.put(
                ((Number) k).longValue(), row.get("name") + "|" + CanonicalRows.canonical(row.get("amount"))));
        return out;
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aBackfillUnderAWriterEndsEqualInASinkOrderedBySortKey(TestDb db) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("qbw", true);
            fill(db, t, ROWS);
            SourceRunner r = f.start(new JdbcQuerySourceFactory(), options(f, t, 100));
            Thread committer = committer(r, running);
            RecordingSourceContext ctx = r.context();
            Thread writer = new Thread(() -> write(db, t, ctx, running, writes), "qb-writer");
            writer.start();
            try {
                ctx.addBackfill(BackfillRequest.table("qbw-1", t));
                ctx.awaitBackfillsDone(LONG);
                Thread.sleep(300);
            } finally {
                running.set(false);
                writer.join(10_000);
                committer.join(10_000);
            }
            sentinel(db, t, ctx);
            List<ChangeEvent> events = SourceFixture.changes(r, t);
            assertThat(sink(events)).isEqualTo(SinkState.read(db, db.q(t), db.q("deleted") + " = FALSE"));
            long reads = events.stream().filter(e -> "qbw-1".equals(e.headers().get(BackfillRequest.ID_HEADER))).count();
            assertThat(reads).as("rows backfilled").isGreaterThan(ROWS / 2);
            assertThat(writes.get()).as("writes during the backfill").isGreaterThan(30);
            List<RecordingSourceContext.BackfillChunk> chunks = ctx.backfillChunks();
            assertThat(chunks.get(chunks.size() - 1).finished()).isTrue();
            assertThat(chunks.stream().mapToLong(RecordingSourceContext.BackfillChunk::rows).sum()).isEqualTo(reads);
            // a backfilled row sorts at its own version: never above a polled later version of its key
            for (ChangeEvent e : events) {
                if (e.operation() == Operation.READ) {
                    assertThat(e.position().offsets()).containsKey("e");
                }
            }
        }
    }

    /**
     * A key list: found keys at their versions, a soft-deleted one as a DELETE, an absent one as a
     * DELETE at the poll bound; a row outside the WHERE is left alone. Chunks wait for a checkpoint.
     */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aKeyListEmitsVersionsAndDeletesAndItsChunksWaitForACheckpoint(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("qbk", true);
            fill(db, t, 10);
            db.execute("UPDATE " + db.q(t) + " SET " + db.q("deleted") + " = TRUE, " + db.q("updated_at") + " = "
                    + now(db) + " WHERE " + db.q("id") + " = 3");
            Thread.sleep(1_200); // older than the safety window (1 s): below the poll bound
            SourceRunner r = f.start(new JdbcQuerySourceFactory(), options(f, t, 100));
            r.context().addBackfill(new BackfillRequest("qbk-1", t, Optional.of(db.q("id") + " <> 4"),
                    List.of(List.of("2"), List.of("3"), List.of("4"), List.of("77")), Set.of("es"), Optional.empty()));
            List<ChangeEvent> got = r.context().awaitChanges(e -> e.table().equals(t), 3, LONG);
            Thread.sleep(300);
            assertThat(r.context().backfillChunks()).as("not reported before a checkpoint covers it").isEmpty();
            r.source().commit(got.get(got.size() - 1).position());
            r.context().awaitBackfillsDone(LONG);
            assertThat(got).extracting(e -> e.operation() + " " + e.key().get("id"))
                    .containsExactly("READ 2", "DELETE 3", "DELETE 77");
            assertThat(got).allSatisfy(e -> assertThat(e.header(BackfillRequest.SINKS_HEADER)).contains("es"));
            Row two = got.get(0).after().orElseThrow();
            assertThat(got.get(1).position().sortKey()).as("rows at or below the poll cursor: one slot at the cursor")
                    .isEqualTo(got.get(0).position().sortKey());
            assertThat(got.get(2).position().sortKey()).as("an absent key's delete at the poll bound: after both")
                    .isGreaterThan(got.get(1).position().sortKey());
            assertThat(two.get("name")).isEqualTo("row 2");
            assertThat(r.context().backfillChunks()).singleElement()
                    .satisfies(c -> assertThat(c.finished()).isTrue());
        }
    }

    /**
     * A repair: the sink holds a row from the snapshot and another as polled, and the backfill's
     * copies of both sort above them (a sink that orders by sort key takes them), while a later
     * update of the row sorts above the backfill's copy.
     */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aBackfilledRowReplacesTheCopiesASinkHoldsAndALaterVersionReplacesIt(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("qbp", true);
            fill(db, t, 2);
            Thread.sleep(1_200);
            Map<String, Object> o = options(f, t, 100);
            o.put("snapshot-mode", "initial");
            SourceRunner r = f.start(new JdbcQuerySourceFactory(), o);
            RecordingSourceContext ctx = r.context();
            ctx.awaitChanges(e -> e.table().equals(t), 2, LONG);
            db.execute("UPDATE " + db.q(t) + " SET " + db.q("amount") + " = 5, " + db.q("updated_at") + " = " + now(db)
                    + " WHERE " + db.q("id") + " = 1");
            ctx.awaitChanges(e -> e.table().equals(t) && e.operation() != Operation.READ, 1, LONG);
            Thread.sleep(200);
            ctx.addBackfill(new BackfillRequest("qbp-1", t, Optional.empty(), List.of(List.of("1"), List.of("2")),
                    Set.of(), Optional.empty()));
            List<ChangeEvent> backfilled = ctx.awaitChanges(e -> "qbp-1".equals(e.headers().get(
                    BackfillRequest.ID_HEADER)), 2, LONG);
            List<ChangeEvent> before = SourceFixture.changes(r, t).stream().filter(e -> !backfilled.contains(e)).toList();
            ChangeEvent snapshotTwo = before.stream().filter(e -> Long.valueOf(2).equals(e.key().get("id"))).findFirst()
                    .orElseThrow();
            ChangeEvent polledOne = before.stream().filter(e -> e.operation() != Operation.READ).findFirst().orElseThrow();
            assertThat(backfilled.get(0).position().sortKey()).as("above the polled copy of row 1")
                    .isGreaterThan(polledOne.position().sortKey());
            assertThat(backfilled.get(1).position().sortKey()).as("above the snapshot's copy of row 2")
                    .isGreaterThan(snapshotTwo.position().sortKey());
            db.execute("UPDATE " + db.q(t) + " SET " + db.q("amount") + " = 6, " + db.q("updated_at") + " = " + now(db)
                    + " WHERE " + db.q("id") + " = 2");
            ChangeEvent later = ctx.awaitChanges(e -> e.table().equals(t) && e.operation() != Operation.READ
                    && Long.valueOf(2).equals(e.key().get("id")), 1, LONG).get(0);
            assertThat(later.position().sortKey()).as("a later version above the backfill's copy")
                    .isGreaterThan(backfilled.get(1).position().sortKey());
        }
    }

    /**
     * Stopped in the middle (a crash): the second run starts from the checkpoint (an event's
     * position) and the resume point of the last chunk reported, which a checkpoint covered. The
     * events up to the checkpoint and the second run's, in a sink ordered by sort key, equal the table.
     */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aBackfillStoppedInTheMiddleResumesAndEndsEqual(TestDb db) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("qbr", true);
            fill(db, t, ROWS);
            Map<String, Object> o = options(f, t, 100);
            SourceRunner first = SourceRunner.start(f.create(new JdbcQuerySourceFactory(), o),
                    RecordingSourceContext.fresh(), Duration.ofSeconds(30));
            Thread writer = new Thread(() -> write(db, t, first.context(), running, writes), "qb-writer");
            writer.start();
            List<ChangeEvent> applied;
            RecordingSourceContext.BackfillChunk durable;
            try {
                first.context().addBackfill(BackfillRequest.table("qbr-1", t));
                long deadline = System.nanoTime() + LONG.toNanos();
                int committed = 0;
                while (first.context().backfillChunks().size() < 5 && System.nanoTime() < deadline) {
                    List<ChangeEvent> sofar = first.context().changeEvents();
                    if (sofar.size() > committed) {
                        committed = sofar.size();
                        first.source().commit(sofar.get(committed - 1).position());
                    }
                    Thread.sleep(20);
                }
                first.close(); // the crash
                List<RecordingSourceContext.BackfillChunk> chunks = first.context().backfillChunks();
                durable = chunks.get(chunks.size() - 1);
                // the engine's checkpoint is the chunk's report position (a committed event's): events up to it
                List<ChangeEvent> all = first.context().changeEvents();
                int upTo = 0;
                for (int i = 0; i < all.size(); i++) {
                    if (all.get(i).position().equals(durable.at())) {
                        upTo = i + 1;
                    }
                }
                assertThat(upTo).as("the chunk was reported at a committed event's position").isPositive();
                applied = new ArrayList<>(all.subList(0, upTo));
            } finally {
                running.set(false);
                writer.join(10_000);
            }
            SourceRunner second = SourceRunner.start(f.create(new JdbcQuerySourceFactory(), o),
                    RecordingSourceContext.resumingAfter(durable.at()), Duration.ofSeconds(30));
            AtomicBoolean committing = new AtomicBoolean(true);
            Thread committer = committer(second, committing);
            try {
                second.context().addBackfill(BackfillRequest.table("qbr-1", t).resumingAfter(durable.lastKey()));
                second.context().awaitBackfillsDone(LONG);
                sentinel(db, t, second.context());
                assertThat(second.context().changeEvents().stream().filter(e -> e.operation() == Operation.READ)
                        .mapToLong(e -> (Long) e.key().get("id")).min().orElseThrow())
                        .as("the resumed backfill starts after its resume point")
                        .isGreaterThan(Long.parseLong(durable.lastKey().get(0)));
                applied.addAll(second.context().changeEvents());
            } finally {
                committing.set(false);
                committer.join(10_000);
                second.close();
            }
            assertThat(sink(applied.stream().filter(e -> e.table().equals(t)).toList()))
                    .isEqualTo(SinkState.read(db, db.q(t), db.q("deleted") + " = FALSE"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDb.class, names = {"POSTGRES", "MARIADB"})
    void aTableNotCapturedFailsTheRequest(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("qbf", true);
            TableId other = f.table("qbx", true);
            SourceRunner r = f.start(new JdbcQuerySourceFactory(), options(f, t, 100));
            r.context().addBackfill(BackfillRequest.table("nc", other));
            r.context().awaitBackfillsDone(LONG);
            assertThat(r.context().backfillFailures()).containsExactly("nc: table " + other
                    + " is not captured by this source");
            assertThat(r.failure()).isEmpty();
        }
    }

    /** A new row after the backfill, awaited once polled: every change before it was delivered. */
    private static void sentinel(TestDb db, TableId t, RecordingSourceContext ctx) throws Exception {
        db.execute("INSERT INTO " + db.q(t) + " (" + db.q("id") + ", " + db.q("name") + ", " + db.q("amount") + ", "
                + db.q("updated_at") + ", " + db.q("created_at") + ") VALUES (999999, 'end', 0, " + now(db) + ", "
                + now(db) + ")");
        ctx.awaitChanges(e -> Long.valueOf(999_999).equals(e.key().get("id")), 1, LONG);
    }

    /** Updates (amount + 1, a new updated_at) and soft-deletes rows just after the backfill's last chunk. */
    private static void write(TestDb db, TableId t, RecordingSourceContext ctx, AtomicBoolean writing,
                              AtomicLong writes) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (writing.get()) {
                long id = TriggerBackfillIT.cursor(ctx) + 1 + random.nextInt(200);
                String set = random.nextInt(10) < 8 ? db.q("amount") + " = " + db.q("amount") + " + 1"
                        : db.q("deleted") + " = TRUE";
                s.executeUpdate("UPDATE " + db.q(t) + " SET " + set + ", " + db.q("updated_at") + " = " + now(db)
                        + " WHERE " + db.q("id") + " = " + id + " AND " + db.q("deleted") + " = FALSE");
                writes.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException("the writer failed", e);
        }
    }

    static BigDecimal amount(ChangeEvent e) {
        return (BigDecimal) e.after().orElseThrow().get("amount");
    }
}
