package dev.cdc.source.postgres;

import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sink that blocks longer than the server's {@code wal_sender_timeout} (5 s on a server of the
 * test's own): the source, waiting in {@code emit}, keeps answering the walsender, so the
 * replication connection is not dropped; the flushed position it reports never passes the
 * checkpoint. Without the keepalive (the control) the server drops it.
 */
class KeepaliveWhileWaitingIT extends PrivatePgTestBase {

    private static final Duration BLOCKED = Duration.ofSeconds(13);

    @BeforeAll
    static void server() {
        startServer("keepalive", settings("wal_sender_timeout", "'5s'"));
    }

    @Test
    void aSourceBlockedLongerThanWalSenderTimeoutKeepsItsConnection() throws Exception {
        String t = privateTable("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner r = start(privateOptions("snapshot-mode", "never", "batch-size", 100), Optional.empty());
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 10) g");
        await("10 events", () -> of(r, t).size() == 10, Duration.ofSeconds(30));
        r.source().commit(of(r, t).get(9).position());
        long checkpoint = dev.cdc.source.postgres.position.PgPosition.lsn(of(r, t).get(9).position());
        await("the checkpoint acknowledged", () -> flush() == checkpoint, Duration.ofSeconds(10));
        int pid = activePid().orElseThrow();

        r.context().holdEmits();
        // enough rows that the walsender has data waiting to be sent the whole time
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(11, 20000) g");
        await("the source to wait for the pipeline", () -> r.context().isWaitingToEmit(), Duration.ofSeconds(30));
        long until = System.nanoTime() + BLOCKED.toNanos();
        while (System.nanoTime() < until) {
            assertThat(activePid()).as("the slot's walsender while the source waits").contains(pid);
            assertThat(flush()).as("the flushed position while waiting: the checkpoint's").isEqualTo(checkpoint);
            Thread.sleep(500);
        }
        assertThat(r.context().whileWaitingRuns()).as("keepalives while blocked").isGreaterThanOrEqualTo(10);
        r.context().releaseEmits();
        await("every row", () -> of(r, t).size() == 20000, Duration.ofSeconds(60));
        assertThat(activePid()).as("the same replication connection after the wait").contains(pid);
        assertThat(r.failure()).isEmpty();
        assertThat(server.logTail()).doesNotContain("replication timeout");
    }

    /**
     * The keepalive must not hold a fast shutdown hostage: the walsender of a stopping server waits
     * for its client to catch up, which a blocked source cannot do. The source sees its plain
     * connection terminated, lets the replication connection go, and reconnects after the wait.
     */
    @Test
    void aFastShutdownWhileTheSourceWaitsIsPromptAndNothingIsLost() throws Exception {
        String t = privateTable("c", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner r = start(privateOptions("snapshot-mode", "never", "batch-size", 100), Optional.empty());
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 10) g");
        await("10 events", () -> of(r, t).size() == 10, Duration.ofSeconds(30));
        r.context().holdEmits();
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(11, 20000) g");
        await("the source to wait for the pipeline", () -> r.context().isWaitingToEmit(), Duration.ofSeconds(30));
        Thread.sleep(2000);
        long t0 = System.nanoTime();
        server.stop();
        long stopMillis = (System.nanoTime() - t0) / 1_000_000;
        server.start();
        r.context().releaseEmits();
        await("every row after the restart", () -> of(r, t).stream().map(e -> e.key().get("id")).distinct()
                .count() == 20000, Duration.ofSeconds(60));
        assertThat(r.failure()).isEmpty();
        System.out.println("KeepaliveWhileWaitingIT: fast shutdown with the source waiting took " + stopMillis + " ms");
        assertThat(stopMillis).as("fast shutdown while the source waits, ms (wal_sender_timeout is 5 s)")
                .isLessThan(4000);
    }

    /** The control: the same wait without running whileWaiting gets the connection dropped by the server. */
    @Test
    void withoutTheKeepaliveTheServerDropsTheConnection() throws Exception {
        String t = privateTable("b", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner r = start(privateOptions("snapshot-mode", "never", "batch-size", 100), Optional.empty());
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 10) g");
        await("10 events", () -> of(r, t).size() == 10, Duration.ofSeconds(30));
        int pid = activePid().orElseThrow();

        r.context().holdEmits(false);
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(11, 20000) g");
        await("the source to wait for the pipeline", () -> r.context().isWaitingToEmit(), Duration.ofSeconds(30));
        await("the server to drop the walsender", () -> !pidNow().equals(Optional.of(pid)),
                Duration.ofSeconds(20));
        r.context().releaseEmits();
        // the source reconnects (budget fresh) and nothing is lost
        await("every row after the reconnect", () -> of(r, t).stream().map(e -> e.key().get("id")).distinct()
                .count() == 20000, Duration.ofSeconds(60));
        assertThat(r.failure()).isEmpty();
    }

    private Optional<Integer> pidNow() {
        try {
            return activePid();
        } catch (java.sql.SQLException e) {
            return Optional.of(-1);
        }
    }

    private long flush() {
        try {
            return confirmedFlush();
        } catch (java.sql.SQLException e) {
            return -2;
        }
    }
}
