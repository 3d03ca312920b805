package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Source;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.testkit.fixture.PostgresBinaries;
import dev.cdc.testkit.fixture.PrivatePostgres;
import dev.cdc.testkit.fixture.TcpProxy;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A failover on PostgreSQL 17 (the binaries of {@link PostgresBinaries#fromClasspath()}: the
 * shared server and Debian's package are 15): a primary and a physical standby of its own
 * ({@code primary_slot_name}, {@code hot_standby_feedback}, {@code sync_replication_slots} on the
 * standby; {@code synchronized_standby_slots} on the primary), the source connected through a
 * {@link TcpProxy} that is re-pointed from the old primary to the promoted standby, as a DNS name
 * or a virtual IP would be.
 *
 * <ul>
 *   <li>With {@code failover-slot: true} the standby keeps a synchronized copy of the slot: after
 *   the primary is stopped and the standby promoted, the running source reconnects, streams on
 *   from the copy, and every committed row arrives, each insert exactly once.</li>
 *   <li>Without it the new primary has no slot: the restart from the checkpoint is refused, naming
 *   {@code failover-slot} and {@code on-position-lost}, and {@code heal} heals; then a start with
 *   {@code failover-slot: true} alters the slot to FAILOVER.</li>
 *   <li>With it but a copy never synchronized (or not ready: dropped at promotion), the refusal
 *   names the standby's and the primary's settings. A source pointed at the standby before the
 *   promotion is told its synchronized copy is not usable until then.</li>
 * </ul>
 */
class FailoverSlotIT extends PrivatePgTestBase {

    private static final Duration LONG = Duration.ofSeconds(60);
    private static final String PHYSICAL_SLOT = "cdc_standby";

    private PrivatePostgres primary;
    private PrivatePostgres standby;
    private TcpProxy proxy;

    /** A PostgreSQL 17 primary and its standby, the source's url through a proxy to the primary. */
    private void startPair(boolean syncSlots) {
        String name = "failover-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        primary = PrivatePostgres.start(PostgresBinaries.fromClasspath(), name + "-a",
                settings("synchronized_standby_slots", "'" + PHYSICAL_SLOT + "'", "wal_sender_timeout", "'10s'"));
        standby = primary.standby(name + "-b", PHYSICAL_SLOT,
                // the copied postgresql.conf names the standby's own slot in synchronized_standby_slots: once
                // promoted, logical walsenders would wait for that (missing) standby forever
                settings("sync_replication_slots", syncSlots ? "on" : "off", "wal_sender_timeout", "'10s'",
                        "synchronized_standby_slots", "''"));
        server = primary;
        proxy = TcpProxy.start("127.0.0.1", primary.port());
    }

    @AfterEach
    void stopPair() {
        if (proxy != null) {
            proxy.close();
        }
        for (SourceRunner r : runners) {
            r.close();
        }
        runners.clear();
        server = null;
        if (standby != null) {
            standby.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private Map<String, Object> proxiedOptions(Object... more) {
        Map<String, Object> o = privateOptions(more);
        o.put("url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres");
        o.put("reconnect-timeout", "60s");
        return o;
    }

    @Test
    void aFailoverSlotSurvivesTheFailoverAndNothingIsLost() throws Exception {
        startPair(true);
        assertThat(value("SHOW server_version_num").map(v -> Integer.parseInt(v.toString())).orElse(0))
                .as("PostgreSQL 17 from the classpath").isGreaterThanOrEqualTo(170000);
        String t = privateTable("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 200) g");
        SourceRunner r = start(proxiedOptions("failover-slot", true), Optional.empty());
        await("the snapshot", () -> count(r, t, Operation.READ) == 200, LONG);
        assertThat(value("SELECT failover FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))
                .as("the slot's failover flag on the primary").contains(true);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong committedRows = new AtomicLong();
        Thread writer = startWriter(t, writing, committedRows);
        long checkpoint;
        try {
            await("the writer's rows streaming", () -> count(r, t, Operation.CREATE) > 100, LONG);
            // checkpoints go on as the engine's do: a synchronized slot becomes ready (persistent) on the
            // standby only once the primary's slot has moved past where the standby's copy started
            long[] at = {commitLast(r, t)};
            long syncStart = System.nanoTime();
            awaitOrExplain("the slot synchronized to the standby and ready for failover, at a checkpoint", () -> {
                Optional<Long> ready = failoverReady(standby);
                if (ready.isPresent() && ready.get() >= at[0]) {
                    at[0] = ready.get();
                    return true;
                }
                commitLastQuietly(r, t);
                // only to save test time: a reload wakes the standby's slot sync worker from its nap (which
                // doubles up to 30 s while there was nothing to synchronize), and a logged snapshot lets the
                // primary's slot move its restart_lsn now instead of at the next one (every 15 s)
                query(standby, "SELECT pg_reload_conf()", rs -> rs.getBoolean(1));
                query(primary, "SELECT pg_log_standby_snapshot()::text", rs -> rs.getString(1));
                return false;
            });
            syncMillis = (System.nanoTime() - syncStart) / 1_000_000;
            checkpoint = at[0];
            assertStandbyCopyRefused(Optional.of(commitPosition));
            primary.stop();
            long rowsAtFailover = committedRows.get();
            standby.promote();
            proxy.retarget("127.0.0.1", standby.port());
            server = standby;
            awaitOrExplain("streaming from the new primary", () -> count(r, t, Operation.CREATE) > rowsAtFailover + 50);
        } finally {
            writing.set(false);
            writer.join();
        }
        Map<Object, dev.cdc.api.event.Row> expected = privateTableState(t);
        await("the events to equal the new primary's table", () -> fold(of(r, t)).equals(expected), LONG);
        assertThat(r.failure()).isEmpty();
        Map<Object, Long> creates = of(r, t).stream().filter(e -> e.operation() == Operation.CREATE)
                .collect(Collectors.groupingBy(e -> e.key().get("id"), Collectors.counting()));
        assertThat(creates.values()).as("each insert delivered once: nothing before the checkpoint again")
                .allMatch(n -> n == 1);
        assertThat(slotFlush(standby)).as("the synchronized slot on the new primary never passed what was acked")
                .isLessThanOrEqualTo(lastCommitted);

        // a restart from the checkpoint taken before the failover, on the new primary's synchronized slot
        int delivered = indexOf(of(r, t), commitPosition) + 1;
        List<ChangeEvent> upToCheckpoint = of(r, t).subList(0, delivered);
        r.close();
        runners.remove(r);
        awaitWalsenderGone();
        SourceRunner restarted = start(proxiedOptions("failover-slot", true), Optional.of(commitPosition));
        List<ChangeEvent> resumed = new ArrayList<>(upToCheckpoint);
        await("the restart from the checkpoint to reach the table", () -> {
            List<ChangeEvent> all = new ArrayList<>(upToCheckpoint);
            all.addAll(of(restarted, t));
            return fold(all).equals(expected);
        }, LONG);
        resumed.addAll(of(restarted, t));
        assertThat(restarted.failure()).isEmpty();
        assertThat(of(restarted, t)).as("the restart delivers nothing at or before the checkpoint")
                .allMatch(e -> e.position().sortKey().compareTo(commitPosition.sortKey()) > 0);
        assertThat(resumed.stream().filter(e -> e.operation() == Operation.CREATE)
                .collect(Collectors.groupingBy(e -> e.key().get("id"), Collectors.counting())).values())
                .as("each insert once across the failover and the restart").allMatch(n -> n == 1);
        System.out.println("FailoverSlotIT: " + expected.size() + " rows, " + of(r, t).size() + " events, checkpoint "
                + PgPosition.formatLsn(checkpoint) + " before the failover; the slot ready on the standby after " + syncMillis
                + " ms of checkpoints");
    }

    @Test
    void withoutAFailoverSlotTheFailoverIsRefusedOrHealed() throws Exception {
        startPair(true);
        String t = privateTable("b", "id bigint PRIMARY KEY, v bigint NOT NULL");
        StoppedRun first = snapshotStreamAndStop(t, 200, proxiedOptions());
        List<ChangeEvent> before = first.events();
        Position checkpoint = first.checkpoint();
        assertThat(failoverReady(standby)).as("a slot without FAILOVER is not synchronized").isEmpty();

        primary.stop();
        standby.promote();
        proxy.retarget("127.0.0.1", standby.port());
        server = standby;
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(201, 300) g",
                "DELETE FROM " + t + " WHERE id % 11 = 0");

        Source refused = newSource(proxiedOptions());
        try {
            assertThatThrownBy(() -> refused.open(new RecordingSourceContext("it", Optional.of(checkpoint))))
                    .hasMessageContaining("replication slot '" + slot + "' does not exist")
                    .hasMessageContaining("failover-slot")
                    .hasMessageContaining("on-position-lost: heal");
        } finally {
            refused.close();
        }
        SourceRunner healed = start(proxiedOptions("on-position-lost", "heal"), Optional.of(checkpoint));
        await("the heal backfill", () -> healed.context().backfillChunks().stream()
                .anyMatch(c -> c.id().startsWith("heal-" + slot) && c.finished()), LONG);
        exec("DELETE FROM " + t + " WHERE id = 3");
        await("streaming from the new slot", () -> count(healed, t, Operation.DELETE) >= 1, LONG);
        List<ChangeEvent> all = new ArrayList<>(before);
        all.addAll(of(healed, t));
        assertThat(fold(all)).isEqualTo(privateTableState(t));
        assertThat(healed.failure()).isEmpty();

        // the healed slot has no FAILOVER: a restart with failover-slot: true alters it
        List<ChangeEvent> after = of(healed, t);
        Position last = after.get(after.size() - 1).position();
        healed.source().commit(last);
        healed.close();
        runners.remove(healed);
        assertThat(value("SELECT failover FROM pg_replication_slots WHERE slot_name = '" + slot + "'")).contains(false);
        awaitWalsenderGone();
        SourceRunner altered = start(proxiedOptions("failover-slot", true), Optional.of(last));
        assertThat(value("SELECT failover FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))
                .as("altered to FAILOVER at start").contains(true);
        exec("DELETE FROM " + t + " WHERE id = 4");
        await("streaming on from the altered slot", () -> count(altered, t, Operation.DELETE) >= 1, LONG);
        assertThat(altered.failure()).isEmpty();
    }

    /**
     * A failover slot whose copy was never synchronized (the standby runs without
     * sync_replication_slots; a copy still temporary is dropped at promotion the same way): the
     * restart is refused, saying what the standby and the primary need.
     */
    @Test
    void aFailoverBeforeTheCopyIsReadyIsRefusedNamingTheSettings() throws Exception {
        startPair(false);
        String t = privateTable("c", "id bigint PRIMARY KEY, v bigint NOT NULL");
        StoppedRun first = snapshotStreamAndStop(t, 50, proxiedOptions("failover-slot", true));
        assertThat(value("SELECT failover FROM pg_replication_slots WHERE slot_name = '" + slot + "'")).contains(true);
        assertThat(query(standby, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'",
                rs -> rs.getLong(1))).as("no copy on the standby").contains(0L);
        primary.stop();
        standby.promote();
        proxy.retarget("127.0.0.1", standby.port());
        server = standby;
        Source refused = newSource(proxiedOptions("failover-slot", true));
        try {
            assertThatThrownBy(() -> refused.open(new RecordingSourceContext("it", Optional.of(first.checkpoint()))))
                    .hasMessageContaining("replication slot '" + slot + "' does not exist")
                    .hasMessageContaining("failover-slot is on")
                    .hasMessageContaining("sync_replication_slots = on")
                    .hasMessageContaining("synchronized_standby_slots")
                    .hasMessageContaining("on-position-lost: heal");
        } finally {
            refused.close();
        }
    }

    private long lastCommitted = -1;
    private long syncMillis;
    private Position commitPosition;

    /** Before the promotion: a source pointed at the standby is told that its copy of the slot is not usable yet. */
    private void assertStandbyCopyRefused(Optional<Position> checkpoint) throws Exception {
        Map<String, Object> o = privateOptions("failover-slot", true);
        o.put("url", standby.jdbcUrl());
        Source s = newSource(o);
        try {
            assertThatThrownBy(() -> s.open(new RecordingSourceContext("it", checkpoint)))
                    .hasMessageContaining("synchronized from the primary")
                    .hasMessageContaining("promote");
        } finally {
            s.close();
        }
    }

    private static int indexOf(List<ChangeEvent> events, Position p) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).position().equals(p)) {
                return i;
            }
        }
        throw new AssertionError(p + " not among the events");
    }

    /** Commits the last event of {@code t} as a checkpoint would; its LSN. */
    private long commitLast(SourceRunner r, String t) throws Exception {
        List<ChangeEvent> events = of(r, t);
        Position p = events.get(events.size() - 1).position();
        r.source().commit(p);
        commitPosition = p;
        lastCommitted = Math.max(lastCommitted, PgPosition.lsn(p));
        return PgPosition.lsn(p);
    }

    private void commitLastQuietly(SourceRunner r, String t) {
        try {
            commitLast(r, t);
            Thread.sleep(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void awaitOrExplain(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        try {
            await(what, condition, LONG);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; slot on the standby: " + query(standby, "SELECT "
                    + "row_to_json(s)::text FROM pg_replication_slots s WHERE slot_name = '" + slot + "'",
                    rs -> rs.getString(1)) + "; on the primary: " + query(primary, "SELECT row_to_json(s)::text FROM "
                    + "pg_replication_slots s WHERE slot_name = '" + slot + "'", rs -> rs.getString(1))
                    + "\nstandby log:\n" + standby.logTail(), e);
        }
    }

    /** The slot's confirmed_flush_lsn on {@code pg} when it is synchronized and ready for failover there. */
    private Optional<Long> failoverReady(PrivatePostgres pg) {
        return query(pg, "SELECT (confirmed_flush_lsn - '0/0')::bigint FROM pg_replication_slots WHERE slot_name = '"
                + slot + "' AND synced AND NOT temporary AND NOT conflicting", rs -> rs.getLong(1));
    }

    private long slotFlush(PrivatePostgres pg) {
        return query(pg, "SELECT (confirmed_flush_lsn - '0/0')::bigint FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'", rs -> rs.getLong(1)).orElse(-1L);
    }

    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> Optional<T> query(PrivatePostgres pg, String sql, Column<T> column) {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? Optional.of(column.read(rs)) : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }
}
