package dev.cdc.source.jdbc;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** jdbc-query on each database: late commits within the safety window, soft and hard deletes, bad tables. */
class QuerySourceIT {

    /**
     * Writers stamp their rows, then commit up to 400 ms later, so commits come in another order
     * than the timestamps; with a 1 s safety window nothing is skipped.
     */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void commitsOutOfTimestampOrderWithinTheWindowLoseNothing(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("late", true);
            SourceRunner r = f.start(new JdbcQuerySourceFactory(), f.queryOptions(t));
            List<Thread> writers = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int w = 0; w < 5; w++) {
                int writer = w;
                Thread th = new Thread(() -> {
                    try (Connection c = db.connect()) {
                        c.setAutoCommit(false);
                        JdbcDriver d = new JdbcDriver(db, true, c);
                        for (int i = 0; i < 15; i++) {
                            long id = writer * 100L + i % 6;
                            if (i < 6) {
                                d.insert(t, id, "w" + writer + "-" + i, BigDecimal.valueOf(i));
                            } else if (i % 5 == 0) {
                                d.delete(t, id);
                            } else {
                                d.update(t, id, "w" + writer + "-" + i, BigDecimal.valueOf(i));
                            }
                            Thread.sleep(ThreadLocalRandom.current().nextInt(400)); // commit late, on purpose
                            c.commit();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                writers.add(th);
                th.start();
            }
            for (Thread th : writers) {
                th.join();
            }
            assertThat(failures).isEmpty();
            Map<Long, String> expected = SinkState.read(db, db.q(t), db.q("deleted") + " = FALSE");
            awaitState(r, t, expected);
        }
    }

    /**
     * Rows older than the start (the bound at open) are the snapshot's: the first poll, before any
     * row gave the cursor a key, reads only past the start, so they arrive once with a snapshot and
     * not at all with snapshot-mode never (it used to poll the table from its first row).
     */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void rowsBeforeTheStartAreTheSnapshotsOnlyNotPolledAgain(TestDb db) throws Exception {
        for (String mode : List.of("initial", "never")) {
            try (SourceFixture f = new SourceFixture(db)) {
                TableId t = f.table("start_" + mode, true);
                JdbcDriver d = new JdbcDriver(db, true);
                d.insert(t, 1, "old", BigDecimal.ONE);
                d.insert(t, 2, "old", BigDecimal.TEN);
                Map<String, Object> options = f.queryOptions(t);
                options.put("safety-window", "200ms");
                options.put("snapshot-mode", mode);
                Thread.sleep(500); // both rows older than the bound at open
                SourceRunner r = f.start(new JdbcQuerySourceFactory(), options);
                d.insert(t, 3, "new", BigDecimal.ONE);
                r.context().awaitChanges(e -> e.table().equals(t) && e.key().get("id").equals(3L), 1,
                        Duration.ofSeconds(30));
                Thread.sleep(500); // more polls
                List<Object> keys = SourceFixture.changes(r, t).stream().map(e -> e.key().get("id")).toList();
                assertThat(keys).as("snapshot-mode " + mode)
                        .containsExactlyInAnyOrderElementsOf(mode.equals("never") ? List.of(3L) : List.of(1L, 2L, 3L));
                d.close();
            }
        }
    }

    /**
     * Snapshot rows have the polled rows' 16-digit key layout: all at slot 0 of the start, below the
     * first polled row (a 32-digit {@code hex16(start << 10) + hex16(seq)} made the Elasticsearch
     * sink's versions of snapshot rows exceed every later change's, or not fit at all). A snapshot
     * resumed from a checkpoint of the old layout (the same offsets, a 32-digit key) reads the rest
     * and polls on.
     */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void snapshotRowsHaveThePolledKeyLayoutAndAnOldLayoutCheckpointResumes(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("layout", true);
            JdbcDriver d = new JdbcDriver(db, true);
            for (int id = 1; id <= 3; id++) {
                d.insert(t, id, "old", BigDecimal.ONE);
            }
            Map<String, Object> options = f.queryOptions(t);
            options.put("safety-window", "200ms");
            options.put("snapshot-chunk-size", 1);
            Thread.sleep(500); // older than the bound at open: the snapshot's
            SourceRunner first = f.start(new JdbcQuerySourceFactory(), options);
            d.insert(t, 4, "new", BigDecimal.ONE);
            List<ChangeEvent> got = first.context().awaitChanges(e -> e.table().equals(t), 4, Duration.ofSeconds(30));
            List<ChangeEvent> reads = got.stream().filter(e -> e.operation() == Operation.READ).toList();
            assertThat(reads).extracting(e -> e.key().get("id")).containsExactly(1L, 2L, 3L);
            String snapshotKey = reads.get(0).position().sortKey();
            assertThat(got).extracting(e -> e.position().sortKey()).as("one layout: 16 hex digits")
                    .allMatch(k -> k.matches("[0-9a-f]{16}"));
            assertThat(reads).extracting(e -> e.position().sortKey()).as("slot 0 of the start").containsOnly(snapshotKey);
            assertThat(Long.parseLong(snapshotKey, 16) & 1023).isZero();
            assertThat(got.get(3).position().sortKey()).as("the polled row").isGreaterThan(snapshotKey);
            first.close();

            Position old = Position.of(reads.get(0).position().offsets(), snapshotKey
                    + Position.sortKeyOf(Long.parseLong(reads.get(0).position().offset("seq"))));
            SourceRunner second = SourceRunner.start(f.create(new JdbcQuerySourceFactory(), options),
                    RecordingSourceContext.resumingAfter(old), Duration.ofSeconds(30));
            try {
                List<ChangeEvent> rest = second.context().awaitChanges(e -> e.table().equals(t), 3,
                        Duration.ofSeconds(30));
                assertThat(rest).extracting(e -> e.key().get("id")).containsExactly(2L, 3L, 4L);
                assertThat(rest.subList(0, 2)).extracting(e -> e.position().sortKey()).containsOnly(snapshotKey);
            } finally {
                second.close();
            }
            d.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aSoftDeleteIsADeleteAndAHardDeleteIsFoundByTheKeyScan(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("deletes", true);
            JdbcDriver d = new JdbcDriver(db, true);
            d.insert(t, 1, "soft", BigDecimal.ONE);
            d.insert(t, 2, "hard", BigDecimal.TEN);
            d.insert(t, 3, "stays", null);
            Map<String, Object> options = f.queryOptions(t);
            options.put("key-scan-interval", "300ms");
            options.put("safety-window", "100ms");
            SourceRunner r = f.start(new JdbcQuerySourceFactory(), options);
            r.context().awaitChanges(e -> e.table().equals(t), 3, Duration.ofSeconds(30));
            Thread.sleep(500); // one key scan saw all three keys
            d.delete(t, 1); // soft: deleted = true
            db.execute("DELETE FROM " + db.q(t) + " WHERE " + db.q("id") + " = 2");
            List<ChangeEvent> deletes = r.context().awaitChanges(e -> e.table().equals(t)
                    && e.operation() == Operation.DELETE, 2, Duration.ofSeconds(30));
            assertThat(deletes).extracting(e -> e.key().get("id")).containsExactlyInAnyOrder(1L, 2L);
            assertThat(deletes).filteredOn(e -> e.key().get("id").equals(1L)).singleElement()
                    .satisfies(e -> assertThat(e.before()).as("the soft-deleted row").isPresent());
            d.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aTableWithoutTheTimestampColumnOrAKeyIsAClearError(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("plain", false);
            assertThatThrownBy(() -> f.create(new JdbcQuerySourceFactory(), f.queryOptions(t))
                    .open(RecordingSourceContext.fresh()))
                    .hasMessageContaining("has no column 'updated_at' (timestamp-column)")
                    .hasMessageContaining("ADD COLUMN updated_at");
            TableId keyless = TableId.of(db.namespace(), f.target.name() + "_keyless");
            db.execute("CREATE TABLE " + db.q(keyless) + " (" + db.q("updated_at") + " TIMESTAMP)");
            try {
                Map<String, Object> options = f.queryOptions(keyless);
                assertThatThrownBy(() -> f.create(new JdbcQuerySourceFactory(), options)
                        .open(RecordingSourceContext.fresh()))
                        .hasMessageContaining("has no primary key").hasMessageContaining("ADD PRIMARY KEY");
            } finally {
                db.execute("DROP TABLE " + db.q(keyless));
            }
        }
    }

    /** A hard delete made while the source is down is reported by the first key scan after the restart. */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aHardDeleteWhileStoppedIsReportedAfterTheRestart(TestDb db) throws Exception {
        hardDeleteIsReportedAfterTheRestart(db, "scan", false);
    }

    /**
     * A hard delete the key scan reported but no checkpoint covers (only rows polled before it)
     * is reported again after a crash: a polled row's position covers the deletes emitted before
     * its page, never a later one, so the scan that found it is not saved.
     */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aHardDeleteNotYetCheckpointedIsReportedAgainAfterTheRestart(TestDb db) throws Exception {
        hardDeleteIsReportedAfterTheRestart(db, "rescan", true);
    }

    /**
     * Rows 1 and 2 polled and checkpointed with a key scan saved; row 2 deleted while the source is
     * down ({@code reportedFirst} false), or while it runs, reported but never checkpointed
     * ({@code reportedFirst} true); after the restart the delete arrives.
     */
    private static void hardDeleteIsReportedAfterTheRestart(TestDb db, String name, boolean reportedFirst)
            throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table(name, true);
            JdbcDriver d = new JdbcDriver(db, true);
            d.insert(t, 1, "one", BigDecimal.ONE);
            d.insert(t, 2, "two", BigDecimal.TEN);
            d.close();
            Map<String, Object> options = f.queryOptions(t);
            options.put("key-scan-interval", "200ms");
            options.put("safety-window", "100ms");
            SourceRunner first = f.start(new JdbcQuerySourceFactory(), options);
            List<ChangeEvent> seen = first.context().awaitChanges(e -> e.table().equals(t), 2, Duration.ofSeconds(30));
            Thread.sleep(600); // key scans saw both keys
            first.source().commit(seen.get(1).position()); // the checkpoint covers the scan
            Thread.sleep(600); // the covered scan is saved
            String delete = "DELETE FROM " + db.q(t) + " WHERE " + db.q("id") + " = 2";
            if (reportedFirst) {
                db.execute(delete);
                first.context().awaitChanges(e -> e.table().equals(t) && e.operation() == Operation.DELETE, 1,
                        Duration.ofSeconds(30));
                first.source().commit(seen.get(1).position()); // a checkpoint from before the delete
                Thread.sleep(600); // more scans: none may be saved
            }
            first.close(); // with reportedFirst, the crash: the delete never reached a checkpoint
            if (!reportedFirst) {
                db.execute(delete);
            }
            SourceRunner second = SourceRunner.start(f.create(new JdbcQuerySourceFactory(), options),
                    RecordingSourceContext.resumingAfter(seen.get(1).position()), Duration.ofSeconds(30));
            try {
                ChangeEvent got = second.context().awaitChanges(e -> e.table().equals(t)
                        && e.operation() == Operation.DELETE, 1, Duration.ofSeconds(30)).get(0);
                assertThat(got.key().get("id")).isEqualTo(2L);
            } finally {
                second.close();
            }
        }
    }

    /** version-column: rows stamped from one sequence; an update takes a new version and arrives again. */
    @org.junit.jupiter.api.Test
    void aVersionColumnFromASequenceIsPolledLikeATimestamp() throws Exception {
        TestDb db = TestDb.POSTGRES;
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = TableId.of(db.namespace(), f.target.name() + "_versions");
            String seq = f.target.name() + "_seq";
            db.execute("CREATE SEQUENCE " + seq, "CREATE TABLE " + db.q(t) + " (id bigint PRIMARY KEY, name text,"
                    + " amount numeric(12,2), version bigint NOT NULL DEFAULT nextval('" + seq + "'))");
            try {
                Map<String, Object> options = f.queryOptions(t);
                options.remove("timestamp-column");
                options.remove("created-column");
                options.remove("soft-delete-column");
                options.put("version-column", "version");
                options.put("safety-window", "200ms");
                SourceRunner r = f.start(new JdbcQuerySourceFactory(), options);
                db.execute("INSERT INTO " + db.q(t) + " (id, name, amount) VALUES (1, 'one', 1), (2, 'two', 2)");
                db.execute("UPDATE " + db.q(t) + " SET name = 'one again', version = nextval('" + seq + "') WHERE id = 1");
                awaitState(r, t, Map.of(1L, "one again|1", 2L, "two|2"));
                List<ChangeEvent> got = SourceFixture.changes(r, t);
                assertThat(got).allMatch(e -> e.operation() == Operation.UPDATE);
                assertThat(got.get(got.size() - 1).position().sortKey()).isGreaterThan(got.get(0).position().sortKey());
            } finally {
                db.execute("DROP TABLE IF EXISTS " + db.q(t), "DROP SEQUENCE IF EXISTS " + seq);
            }
        }
    }

    private static void awaitState(SourceRunner r, TableId t, Map<Long, String> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!SinkState.apply(SourceFixture.changes(r, t)).equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(SinkState.apply(SourceFixture.changes(r, t))).isEqualTo(expected);
    }
}
