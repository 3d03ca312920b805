package dev.cdc.source.postgres;

import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slot's WAL at risk while the pipeline holds the checkpoint back: on a server of the test's
 * own with 1 MB WAL segments and {@code max_slot_wal_keep_size = 1MB}, a writer goes on while the
 * sink blocks; the source, watching the slot on a connection of its own (also while it waits),
 * tells the pipeline through {@code retentionAtRisk} before and when the server gives the WAL up.
 */
class SlotRetentionIT extends PrivatePgTestBase {

    @BeforeAll
    static void server() {
        startServer("retention", settings("max_slot_wal_keep_size", "'1MB'", "min_wal_size", "'2MB'",
                "max_wal_size", "'4MB'", "checkpoint_timeout", "'30s'"), "--wal-segsize=1");
    }

    @Test
    void walStatusUnreservedWhileTheSinkBlocksIsReported() throws Exception {
        String t = privateTable("a", "id bigint PRIMARY KEY, v bigint NOT NULL, pad text");
        SourceRunner r = start(privateOptions("snapshot-mode", "never", "batch-size", 100,
                "slot-retention-warning", "0", "slot-check-interval", "1s"), Optional.empty());
        exec("INSERT INTO " + t + " VALUES (1, 0, 'x')");
        await("the first event", () -> of(r, t).size() == 1, Duration.ofSeconds(30));
        Thread.sleep(1500);
        assertThat(r.context().retentionWarnings()).as("nothing at risk yet").isEmpty();

        r.context().holdEmits();
        exec("INSERT INTO " + t + " SELECT g, 0, 'x' FROM generate_series(2, 301) g");
        await("the source to wait for the pipeline", () -> r.context().isWaitingToEmit(), Duration.ofSeconds(30));
        // about 8 MB of WAL past the checkpoint (max_slot_wal_keep_size 1 MB), in a table not captured
        String filler = "filler_" + target.name();
        exec("CREATE TABLE " + filler + " (id bigint, pad text)",
                "INSERT INTO " + filler + " SELECT g, repeat('p', 200) FROM generate_series(1, 30000) g");
        await("a retention warning", () -> !r.context().retentionWarnings().isEmpty(), Duration.ofSeconds(20));
        String reason = r.context().retentionWarnings().get(0);
        assertThat(reason).contains("replication slot " + slot).containsAnyOf("'unreserved'", "'lost'")
                .contains("max_slot_wal_keep_size");
        String status = (String) value("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot + "'")
                .orElseThrow();
        assertThat(status).as("what the server says now").isIn("unreserved", "lost");
        r.context().releaseEmits();
    }

    @Test
    void safeWalSizeBelowTheWarningIsReportedWithoutWaiting() throws Exception {
        String t = privateTable("b", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner r = start(privateOptions("snapshot-mode", "never", "slot-retention-warning", "1gb",
                "slot-check-interval", "1s"), Optional.empty());
        exec("INSERT INTO " + t + " VALUES (1, 0)");
        await("the first event", () -> of(r, t).size() == 1, Duration.ofSeconds(30));
        await("a retention warning", () -> !r.context().retentionWarnings().isEmpty(), Duration.ofSeconds(10));
        List<String> warnings = r.context().retentionWarnings();
        assertThat(warnings.get(0)).contains("safe_wal_size").contains("below slot-retention-warning 1073741824 bytes");
        long safe = ((Number) value("SELECT safe_wal_size FROM pg_replication_slots WHERE slot_name = '" + slot
                + "'").orElseThrow()).longValue();
        assertThat(safe).as("the server's safe_wal_size").isLessThan(1L << 30);
    }
}
