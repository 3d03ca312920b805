package dev.cdc.source.jdbc;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.testkit.assertion.BackfillAssertions;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backfills of jdbc-trigger on PostgreSQL, MariaDB and H2: chunks between watermark rows of the
 * change log, under a writer that updates ({@code amount + 1}, a version), deletes and inserts rows
 * next to the chunk being read. The events applied in emission order end equal to the table, and
 * per key no backfilled row is older than a change emitted before it.
 */
class TriggerBackfillIT {

    private static final Duration LONG = Duration.ofSeconds(120);
    private static final int ROWS = 6_000;
    private static final int CHUNK = 100;

    private static long version(ChangeEvent e) {
        return ((BigDecimal) e.after().orElseThrow().get("amount")).longValue();
    }

    private static void assertNeverBackInTime(List<ChangeEvent> events) {
        BackfillAssertions.assertNeverBackInTime(events, e -> e.key().get("id"),
                r -> ((BigDecimal) r.get("amount")).longValue());
    }

    private static void fill(TestDb db, TableId t, int rows) throws Exception {
        fill(db, t, rows, "", "");
    }

    /** Rows 1..rows named "row i" with amount 0, and {@code more} columns set to {@code values} (SQL). */
    static void fill(TestDb db, TableId t, int rows, String more, String values) throws Exception {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement("INSERT INTO " + db.q(t) + " ("
                + db.q("id") + ", " + db.q("name") + ", " + db.q("amount") + more + ") VALUES (?, ?, 0" + values + ")")) {
            c.setAutoCommit(false);
            for (int i = 1; i <= rows; i++) {
                st.setLong(1, i);
                st.setString(2, "row " + i);
                st.addBatch();
            }
            st.executeBatch();
            c.commit();
        }
    }

    private static Map<String, Object> options(SourceFixture f, TableId t) {
        Map<String, Object> o = f.triggerOptions(t);
        o.put("snapshot-mode", "never");
        o.put("backfill-chunk-size", CHUNK);
        return o;
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aBackfillUnderAWriterEndsEqualAndNeverGoesBackInTime(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("bfw", false);
            fill(db, t, ROWS);
            SourceRunner r = f.start(new JdbcTriggerSourceFactory(), options(f, t));
            RecordingSourceContext ctx = r.context();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> write(db, t, () -> cursor(ctx), writing, writes), "bf-writer");
            writer.start();
            try {
                ctx.addBackfill(BackfillRequest.table("bfw-1", t));
                ctx.awaitBackfillsDone(LONG);
            } finally {
                writing.set(false);
                writer.join(10_000);
            }
            sentinel(db, t, ctx);
            List<ChangeEvent> events = SourceFixture.changes(r, t);
            assertThat(SinkState.apply(events)).as("the events applied in order equal the table")
                    .isEqualTo(SinkState.read(db, db.q(t), ""));
            assertNeverBackInTime(events);
            List<StreamEvent> all = ctx.events().stream().filter(e -> e.table().equals(t)).toList();
            assertThat(all.get(0)).as("the table's schema comes before its first row (chunk or change)")
                    .isInstanceOf(SchemaChangeEvent.class);
            long reads = events.stream().filter(e -> e.operation() == Operation.READ).count();
            assertThat(reads).as("rows backfilled").isGreaterThan(ROWS / 2);
            assertThat(writes.get()).as("writes during the backfill").isGreaterThan(30);
            List<RecordingSourceContext.BackfillChunk> chunks = ctx.backfillChunks();
            assertThat(chunks.size()).isGreaterThanOrEqualTo(ROWS / CHUNK / 2);
            assertThat(chunks.get(chunks.size() - 1).finished()).isTrue();
            assertThat(chunks.stream().mapToLong(RecordingSourceContext.BackfillChunk::rows).sum()).isEqualTo(reads);
            assertThat(ctx.backfillFailures()).isEmpty();
            assertThat(db.count("SELECT COUNT(*) FROM " + db.q(db.namespace()) + "." + db.q(f.changeLog())
                    + " WHERE " + db.q("op") + " = 'w'")).as("watermark rows written").isGreaterThanOrEqualTo(2L * chunks.size());
        }
    }

    /**
     * DBLog's guarantee against the change log's order: a transaction takes a change-log id (and a
     * transaction id) before the chunk's watermarks and commits after the chunk was read, so the
     * read cannot see it. The reader must deliver it before it acts on the high watermark (it waits
     * for the missing id / the running transaction), which drops its key from the chunk; otherwise
     * the chunk's old row would follow the newer change.
     */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aChangeCommittedAfterTheChunkReadWithAnEarlierIdClosesItsKey(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("bfo", false);
            fill(db, t, 10);
            SourceRunner r = f.start(new JdbcTriggerSourceFactory(), options(f, t));
            try (Connection late = db.connect(); Statement st = late.createStatement()) {
                late.setAutoCommit(false);
                st.executeUpdate("UPDATE " + db.q(t) + " SET " + db.q("amount") + " = 100 WHERE " + db.q("id") + " = 5");
                r.context().addBackfill(BackfillRequest.table("bfo-1", t));
                String marks = "SELECT COUNT(*) FROM " + db.q(db.namespace()) + "." + db.q(f.changeLog()) + " WHERE "
                        + db.q("op") + " = 'w'";
                long deadline = System.nanoTime() + LONG.toNanos();
                while (db.count(marks) < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20); // both watermarks written: the chunk was read without the update
                }
                assertThat(db.count(marks)).isEqualTo(2);
                Thread.sleep(500);
                assertThat(SourceFixture.changes(r, t)).as("nothing passes the running transaction's change").isEmpty();
                late.commit();
            }
            r.context().awaitBackfillsDone(LONG);
            List<ChangeEvent> events = SourceFixture.changes(r, t);
            assertNeverBackInTime(events);
            assertThat(events).filteredOn(e -> e.operation() == Operation.READ).extracting(e -> e.key().get("id"))
                    .as("key 5 changed in the window: dropped from the chunk")
                    .containsExactly(1L, 2L, 3L, 4L, 6L, 7L, 8L, 9L, 10L);
            assertThat(events.get(0).operation()).isEqualTo(Operation.UPDATE);
            assertThat(SinkState.apply(events)).isEqualTo(SinkState.read(db, db.q(t), ""));
            // a checkpoint past the chunk removes its watermark rows with the change rows it covers
            String log = db.q(db.namespace()) + "." + db.q(f.changeLog());
            r.source().commit(events.get(events.size() - 1).position());
            long deadline = System.nanoTime() + LONG.toNanos();
            while (db.count("SELECT COUNT(*) FROM " + log) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(db.count("SELECT COUNT(*) FROM " + log)).as("change-log rows left").isZero();
        }
    }

    /** Stopped in the middle (a crash) and started again from a checkpoint and the request's resume point. */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aBackfillStoppedInTheMiddleResumesAndEndsEqual(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("bfr", false);
            fill(db, t, 2_000);
            Map<String, Object> o = options(f, t);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong writes = new AtomicLong();
            List<RecordingSourceContext> contexts = new ArrayList<>();
            Thread writer = new Thread(() -> write(db, t, () -> contexts.isEmpty() ? 0
                    : cursor(contexts.get(contexts.size() - 1)), writing, writes), "bf-writer");
            SourceRunner first = SourceRunner.start(f.create(new JdbcTriggerSourceFactory(), o),
                    RecordingSourceContext.fresh(), Duration.ofSeconds(30));
            contexts.add(first.context());
            writer.start();
            List<ChangeEvent> applied = new ArrayList<>();
            Position checkpoint;
            BackfillRequest resumed;
            try {
                first.context().addBackfill(BackfillRequest.table("bfr-1", t));
                long deadline = System.nanoTime() + LONG.toNanos();
                while (first.context().backfillChunks().size() < 6 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                first.close(); // the crash: events after the checkpoint below were never durable
                List<ChangeEvent> all = first.context().changeEvents();
                // the checkpoint: the third chunk's high watermark, as the engine would have committed it
                RecordingSourceContext.BackfillChunk durable = first.context().backfillChunks().get(2);
                checkpoint = durable.at();
                for (ChangeEvent e : all) {
                    if (e.position().compareTo(checkpoint) <= 0) {
                        applied.add(e);
                    }
                }
                resumed = BackfillRequest.table("bfr-1", t).resumingAfter(durable.lastKey());
                SourceRunner second = SourceRunner.start(f.create(new JdbcTriggerSourceFactory(), o),
                        RecordingSourceContext.resumingAfter(checkpoint), Duration.ofSeconds(30));
                try {
                    contexts.add(second.context());
                    second.context().addBackfill(resumed);
                    second.context().awaitBackfillsDone(LONG);
                    writing.set(false);
                    writer.join(10_000);
                    sentinel(db, t, second.context());
                    applied.addAll(second.context().changeEvents());
                    assertThat(second.context().changeEvents().stream().filter(e -> e.operation() == Operation.READ)
                            .mapToLong(e -> (Long) e.key().get("id")).min().orElseThrow())
                            .as("the resumed backfill starts after its resume point").isGreaterThan(Long.parseLong(durable.lastKey().get(0)));
                } finally {
                    second.close();
                }
            } finally {
                writing.set(false);
                writer.join(10_000);
            }
            List<ChangeEvent> ofTable = applied.stream().filter(e -> e.table().equals(t)).toList();
            assertThat(SinkState.apply(ofTable)).isEqualTo(SinkState.read(db, db.q(t), ""));
            assertNeverBackInTime(ofTable);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDb.class, names = {"POSTGRES", "MARIADB"})
    void aTableNotCapturedOrABadConditionFailsTheRequestAndTheStreamGoesOn(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("bff", false);
            TableId other = f.table("bfx", false);
            SourceRunner r = f.start(new JdbcTriggerSourceFactory(), options(f, t));
            r.context().addBackfill(BackfillRequest.table("nc", other));
            r.context().addBackfill(new BackfillRequest("bad", t, Optional.of("no_such_column = 1"), List.of(), Set.of(),
                    Optional.empty()));
            r.context().awaitBackfillsDone(LONG);
            assertThat(r.context().backfillFailures()).containsExactly(
                    "nc: table " + other + " is not captured by this source",
                    r.context().backfillFailures().get(1));
            assertThat(r.context().backfillFailures().get(1)).startsWith("bad: reading table " + t + " failed")
                    .containsIgnoringCase("no_such_column");
            db.execute("INSERT INTO " + db.q(t) + " VALUES (1, 'x', 1)");
            r.context().awaitChanges(e -> e.table().equals(t), 1, LONG);
            assertThat(r.failure()).isEmpty();
        }
    }

    static int cursor(RecordingSourceContext ctx) {
        List<RecordingSourceContext.BackfillChunk> chunks = ctx.backfillChunks();
        return chunks.isEmpty() || chunks.get(chunks.size() - 1).lastKey().isEmpty() ? 0
                : Integer.parseInt(chunks.get(chunks.size() - 1).lastKey().get(0));
    }

    /** A new row after the backfill, awaited: every change before it was delivered. */
    static void sentinel(TestDb db, TableId t, RecordingSourceContext ctx) throws Exception {
        db.execute("INSERT INTO " + db.q(t) + " VALUES (999999, 'end', 0)");
        ctx.awaitChanges(e -> e.table().equals(t) && Long.valueOf(999_999).equals(e.key().get("id")), 1, LONG);
    }

    /** Updates (amount + 1), deletes and inserts rows just after the backfill's last chunk: the next chunk's rows. */
    static void write(TestDb db, TableId t, Supplier<Integer> cursor, AtomicBoolean writing, AtomicLong writes) {
        long inserted = 500_000;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (writing.get()) {
                long id = cursor.get() + 1 + random.nextInt(2 * CHUNK);
                int what = random.nextInt(10);
                if (what < 7) {
                    s.executeUpdate("UPDATE " + db.q(t) + " SET " + db.q("amount") + " = " + db.q("amount") + " + 1 WHERE "
                            + db.q("id") + " = " + id);
                } else if (what < 9) {
                    s.executeUpdate("DELETE FROM " + db.q(t) + " WHERE " + db.q("id") + " = " + id);
                } else {
                    s.executeUpdate("INSERT INTO " + db.q(t) + " VALUES (" + inserted++ + ", 'new', 0)");
                }
                writes.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException("the writer failed", e);
        }
    }
}
