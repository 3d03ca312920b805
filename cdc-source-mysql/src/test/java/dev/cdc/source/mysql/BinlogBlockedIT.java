package dev.cdc.source.mysql;

import dev.cdc.api.event.TableId;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source that does not read because its pipeline is full: the server drops its binlog
 * connection after the session's {@code net_write_timeout}, which the source sets from
 * {@code binlog-send-timeout} (default 1 h; here 2 s, so the drop shows within the test while the
 * server's own default, 60 s, would not). The source reconnects and loses nothing; two such
 * outages further apart than {@code reconnect-timeout} (3 s) are each survived, since the budget
 * and the backoff start over after each successful reconnect.
 */
class BinlogBlockedIT extends MariaDbFixture {

    private static final int ROWS_PER_ROUND = 100_000;
    /** How long the rows may stop coming before the test gives up. */
    private static final Duration STALL = Duration.ofSeconds(30);

    @Test
    void aBlockedSourceDroppedByTheServerReconnectsEachTimeAndLosesNothing() throws Exception {
        TableId t = table("a", "id BIGINT PRIMARY KEY, pad VARCHAR(300) NOT NULL");
        Set<Long> others = dumpThreads();
        Map<String, Object> options = options();
        options.put("snapshot-mode", "never");
        options.put("binlog-send-timeout", "2s");
        options.put("reconnect-timeout", "3s");
        SourceRunner r = start(options, Optional.empty());
        db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (0, 'first')");
        r.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
        long thread = ours(others);
        long total = 1;
        for (int round = 1; round <= 2; round++) {
            r.context().holdEmits();
            long from = total;
            // ~30 MB of binlog: more than the queue and the socket buffers hold, so the server must wait to send
            db.execute("INSERT INTO " + MariaDbDriver.q(t) + " SELECT seq, REPEAT('p', 300) FROM seq_" + from
                    + "_to_" + (from + ROWS_PER_ROUND - 1));
            total += ROWS_PER_ROUND;
            await("round " + round + ": the source to wait for the pipeline", () -> r.context().isWaitingToEmit(),
                    Duration.ofSeconds(60));
            long dropped = thread;
            // within 20 s: with the server's own net_write_timeout (60 s) it would still be there
            await("round " + round + ": the server to drop the blocked binlog connection",
                    () -> !dumpThreadsQuietly().contains(dropped), Duration.ofSeconds(20));
            Thread.sleep(3500); // the next outage starts more than reconnect-timeout after this one
            r.context().releaseEmits();
            long expected = total;
            awaitRows("round " + round + ": every row after the reconnect", () -> distinctIds(r, t), expected);
            assertThat(r.failure()).as("round " + round).isEmpty();
            thread = ours(others);
            assertThat(thread).as("a new binlog connection").isNotEqualTo(dropped);
        }
        assertThat(changes(r, t)).as("nothing repeated").hasSize((int) total);
    }

    private static long distinctIds(SourceRunner r, TableId t) {
        return changes(r, t).stream().map(e -> e.key().get("id")).distinct().count();
    }

    /** The one binlog dump thread that is not among {@code others} (those of other tests on the shared server). */
    private static long ours(Set<Long> others) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Set<Long> now = dumpThreads();
            now.removeAll(others);
            if (now.size() == 1) {
                return now.iterator().next();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected one new binlog dump thread, found " + now);
            }
            Thread.sleep(100);
        }
    }

    private static Set<Long> dumpThreads() throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = MariaDbDriver.open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE "
                     + "'Binlog Dump%'")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static Set<Long> dumpThreadsQuietly() {
        try {
            return dumpThreads();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until {@code count} reaches {@code expected}, for as long as rows keep coming: fails
     * after {@link #STALL} without a new one, so a source that stops is still caught but a slow
     * machine is not. Looks once a second: counting the distinct ids of up to 200,000 events takes
     * CPU the source needs (the earlier wait, every 100 ms within a fixed 60 s, failed 2 runs in 4
     * on the shared, loaded 2-core machine).
     */
    private static void awaitRows(String what, java.util.function.LongSupplier count, long expected)
            throws InterruptedException {
        long last = -1;
        long progressAt = System.nanoTime();
        while (true) {
            long now = count.getAsLong();
            if (now == expected) {
                return;
            }
            if (now != last) {
                last = now;
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > STALL.toNanos()) {
                throw new AssertionError("timed out waiting for " + what + ": " + now + " of " + expected
                        + ", none new for " + STALL.toSeconds() + " s");
            }
            Thread.sleep(1_000);
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
