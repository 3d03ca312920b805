package dev.cdc.source.jdbc;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Change-log ids are taken at insert time but become visible at commit: writers here take ids
 * and then commit later on purpose, so transactions commit in another order than their ids. A
 * reader that takes {@code id > last_seen} skips the late ones (and fails both tests); jdbc-trigger
 * must deliver everything, per key in order.
 */
class OutOfOrderCommitsIT {

    private TestTarget target;
    private TableId table;
    private final List<SourceRunner> runners = new ArrayList<>();
    private TestDb db;

    @BeforeEach
    void target() {
        target = TestTarget.create();
    }

    @AfterEach
    void cleanUp() throws Exception {
        runners.forEach(SourceRunner::close);
        if (db != null) {
            db.execute("DROP TABLE IF EXISTS " + db.q(table));
            db.dropChangeLog("cl_" + target.name());
        }
        target.deleteDirectory();
    }

    private SourceRunner start(TestDb db, Map<String, Object> extra) throws Exception {
        this.db = db;
        table = TableId.of(db.namespace(), target.name() + "_ooo");
        new JdbcDriver(db, false).createTable(table);
        Map<String, Object> options = new java.util.HashMap<>(Map.of("url", db.url(), "user", db.user(), "password",
                db.password(), "tables", List.of(db.namespace() + "\\." + table.name()), "change-log",
                "cl_" + target.name(), "poll-interval", "20ms", "gap-confirm", "200ms"));
        options.putAll(extra);
        JdbcTriggerSourceFactory f = new JdbcTriggerSourceFactory();
        SourceRunner r = SourceRunner.start(f.create(TestPluginContext.bind(f, options, target, "source")),
                RecordingSourceContext.fresh(), Duration.ofSeconds(30));
        runners.add(r);
        return r;
    }

    private List<ChangeEvent> changes(SourceRunner r) {
        return r.context().changeEvents().stream().filter(e -> e.table().equals(table)).toList();
    }

    /** One transaction takes the lower id and commits last, long after gap-confirm: the later one waits for it. */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aTransactionThatTookAnEarlierIdAndCommitsLaterIsNotSkipped(TestDb db) throws Exception {
        SourceRunner r = start(db, Map.of());
        try (Connection early = db.connect(); Connection late = db.connect()) {
            early.setAutoCommit(false);
            late.setAutoCommit(false);
            insert(early, 1, "took the lower id");   // change-log id n
            insert(late, 2, "took the higher id");   // change-log id n + 1
            late.commit();                           // n + 1 is visible, n is not
            Thread.sleep(1_500);                     // far beyond gap-confirm and several polls
            assertThat(changes(r)).as("nothing is delivered past a change-log id whose transaction is running")
                    .isEmpty();
            early.commit();
        }
        r.context().awaitChanges(e -> e.table().equals(table), 2, Duration.ofSeconds(30));
        List<ChangeEvent> got = changes(r);
        assertThat(got).extracting(e -> e.key().get("id")).containsExactly(1L, 2L);
        assertThat(got.get(1).position().sortKey()).isGreaterThan(got.get(0).position().sortKey());
    }

    /** Many writers, commits delayed at random, some rolled back: the sink's final state equals the table. */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void concurrentWritersCommittingOutOfOrderLoseNothing(TestDb db) throws Exception {
        SourceRunner r = start(db, Map.of());
        int writers = 6;
        int transactions = 25;
        AtomicInteger committed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                try (Connection c = db.connect()) {
                    c.setAutoCommit(false);
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < transactions; i++) {
                        long base = writer * 1000L + i * 10L;
                        insert(c, base + 1, "w" + writer + "-" + i);
                        insert(c, base + 2, "w" + writer + "-" + i + "b");
                        update(c, base + 1, "w" + writer + "-" + i + "-updated");
                        if (i > 0 && random.nextInt(4) == 0) {
                            delete(c, base - 10 + 2);
                        }
                        Thread.sleep(random.nextInt(40)); // commit later than the ids were taken, on purpose
                        if (random.nextInt(8) == 0) {
                            c.rollback();
                        } else {
                            c.commit();
                            committed.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "writer-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        Map<Long, String> expected = SinkState.read(db, db.q(table), "");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!SinkState.apply(changes(r)).equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(SinkState.apply(changes(r))).as("%d transactions committed out of id order", committed.get())
                .isEqualTo(expected);
        List<ChangeEvent> got = changes(r);
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i).position().sortKey()).isGreaterThan(got.get(i - 1).position().sortKey());
        }
    }

    private void insert(Connection c, long id, String name) throws Exception {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO " + db.q(table) + " VALUES (?, ?, ?)")) {
            st.setLong(1, id);
            st.setString(2, name);
            st.setBigDecimal(3, BigDecimal.valueOf(id, 2));
            st.executeUpdate();
        }
    }

    private void update(Connection c, long id, String name) throws Exception {
        try (PreparedStatement st = c.prepareStatement("UPDATE " + db.q(table) + " SET " + db.q("name") + " = ? WHERE "
                + db.q("id") + " = ?")) {
            st.setString(1, name);
            st.setLong(2, id);
            st.executeUpdate();
        }
    }

    private void delete(Connection c, long id) throws Exception {
        try (PreparedStatement st = c.prepareStatement("DELETE FROM " + db.q(table) + " WHERE " + db.q("id") + " = ?")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }
}
