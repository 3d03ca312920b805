package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL (a server of the test's own: the shared one is never restarted) restarted
 * mid-stream while a writer keeps writing: the source, connected the whole time with checkpoints
 * acknowledged, lets a fast shutdown finish promptly, reconnects with backoff, and the sink ends
 * equal to the table; the slot's confirmed_flush_lsn never passes the checkpoint. Three restarts
 * further apart than {@code reconnect-timeout} are each survived: the reconnect budget starts
 * over after every successful reconnect (issue 11: the second restart, more than the timeout
 * after the first, used to fail at once without a single attempt).
 *
 * <p>The suite runs the three restarts {@code reconnect-timeout} (8 s) + 3 s apart; the issue's
 * own case, restarts 6 minutes apart with default settings (reconnect-timeout 5 min), is
 * {@code scripts/soak-pg-restarts.sh}, which runs the same test with {@code -Dcdc.soak.pg.apart=PT6M}.
 */
class ServerRestartIT extends PrivatePgTestBase {

    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(8);
    /** Set by scripts/soak-pg-restarts.sh: restarts this far apart, with the source's default settings. */
    private static final Optional<Duration> SOAK_APART = Optional.ofNullable(System.getProperty("cdc.soak.pg.apart"))
            .map(Duration::parse);

    @BeforeAll
    static void server() {
        startServer("restart", Map.of());
    }

    @Test
    void fastShutdownIsPromptAndNothingIsLost() throws Exception {
        restarts(1, "fast");
    }

    @Test
    void immediateStopAndCrashRecoveryLoseNothing() throws Exception {
        restarts(1, "immediate");
    }

    @Test
    void threeRestartsFurtherApartThanTheReconnectTimeoutAreEachSurvived() throws Exception {
        restarts(3, "fast");
    }

    private void restarts(int times, String mode) throws Exception {
        String t = privateTable("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Map<String, Object> options = privateOptions("snapshot-mode", "never");
        if (SOAK_APART.isEmpty()) {
            options.put("reconnect-timeout", RECONNECT_TIMEOUT.toSeconds() + "s");
        }
        Duration apart = SOAK_APART.orElse(RECONNECT_TIMEOUT.plusSeconds(3));
        SourceRunner r = start(options, Optional.empty());
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong committedRows = new AtomicLong();
        Thread writer = startWriter(t, writing, committedRows);
        Checkpointer checkpoints = new Checkpointer(r, t);
        long longestStop = 0;
        long rowsAtFirstStop = -1;
        try {
            await("the writer's rows streaming", () -> of(r, t).size() > 100, Duration.ofSeconds(30));
            for (int i = 0; i < times; i++) {
                if (i > 0) {
                    // further apart than reconnect-timeout: the budget of the first outage must not still run
                    long until = System.nanoTime() + apart.toNanos();
                    while (System.nanoTime() < until) {
                        checkpoints.checkpoint();
                        assertThat(r.failure()).as("between restarts").isEmpty();
                        Thread.sleep(SOAK_APART.isPresent() ? 2000 : 200);
                    }
                }
                checkpoints.checkpoint();
                long before = of(r, t).size();
                if (rowsAtFirstStop < 0) {
                    rowsAtFirstStop = committedRows.get();
                }
                long t0 = System.nanoTime();
                if (mode.equals("fast")) {
                    server.stop();
                } else {
                    server.kill();
                }
                longestStop = Math.max(longestStop, (System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(1000);
                server.start();
                await("restart " + (i + 1) + ": streaming again", () -> of(r, t).size() > before + 50,
                        Duration.ofSeconds(40));
                assertThat(r.failure()).as("after restart " + (i + 1)).isEmpty();
            }
            Thread.sleep(500);
        } finally {
            writing.set(false);
            writer.join();
        }
        Map<Object, Row> expected = privateTableState(t);
        await("the sink to equal the table", () -> fold(of(r, t)).equals(expected), Duration.ofSeconds(60));
        checkpoints.checkpoint();
        assertThat(r.failure()).isEmpty();
        assertThat(checkpoints.aheadSeen).as("the slot's confirmed_flush_lsn passed the checkpoint").isEmpty();
        assertThat((long) expected.size()).as("rows, more than were written before the first stop")
                .isGreaterThan(rowsAtFirstStop);
        await("the last checkpoint acknowledged", () -> flushNow() == checkpoints.committed, Duration.ofSeconds(10));
        System.out.println("ServerRestartIT " + times + "x " + mode + " " + apart.toSeconds() + " s apart ("
                + (SOAK_APART.isPresent() ? "default settings" : "reconnect-timeout " + RECONNECT_TIMEOUT) + "): longest stop " + longestStop + " ms; "
                + expected.size() + " rows, " + of(r, t).size() + " events");
        if (mode.equals("fast")) {
            assertThat(longestStop).as("fast shutdown with the source connected, ms").isLessThan(20_000);
        }
    }

    private long flushNow() {
        try {
            return confirmedFlush();
        } catch (SQLException e) {
            return -2;
        }
    }

    /** Commits the last delivered event, as the engine's checkpoints do, and checks the slot never ran ahead. */
    private final class Checkpointer {
        private final SourceRunner runner;
        private final String table;
        long committed = -1;
        Optional<String> aheadSeen = Optional.empty();

        Checkpointer(SourceRunner runner, String table) {
            this.runner = runner;
            this.table = table;
        }

        void checkpoint() throws Exception {
            long flush = flushNow();
            if (flush > committed && committed >= 0 && aheadSeen.isEmpty()) {
                aheadSeen = Optional.of("confirmed_flush_lsn " + PgPosition.formatLsn(flush) + " > checkpoint "
                        + PgPosition.formatLsn(committed));
            }
            List<ChangeEvent> events = of(runner, table);
            if (!events.isEmpty()) {
                ChangeEvent last = events.get(events.size() - 1);
                runner.source().commit(last.position());
                committed = Math.max(committed, PgPosition.lsn(last.position()));
            }
        }
    }
}
