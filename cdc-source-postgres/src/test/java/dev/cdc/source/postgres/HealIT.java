package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Source;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code on-position-lost}: the slot is dropped, or invalidated by {@code max_slot_wal_keep_size}
 * (a server of the test's own, 1 MB WAL segments), while the pipeline is down and rows are
 * written. With heal the restart creates the slot again, streams from it and backfills the
 * captured tables: the events of both runs, applied in order, end equal to the table, with no
 * manual step. With the default the start is refused, naming the options.
 */
class HealIT extends PrivatePgTestBase {

    private static final Duration LONG = Duration.ofSeconds(120);

    @BeforeAll
    static void server() {
        startServer("heal", settings("max_slot_wal_keep_size", "'1MB'", "min_wal_size", "'2MB'",
                "max_wal_size", "'4MB'"), "--wal-segsize=1");
    }

    @Test
    void aSlotDroppedWhileDownIsHealed() throws Exception {
        String t = privateTable("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        StoppedRun first = runAndStop(t);
        exec("SELECT pg_drop_replication_slot('" + slot + "')");
        writeWhileDown(t);
        assertRefused(first.checkpoint(), "replication slot '" + slot + "' does not exist");
        healAndCompare(t, first);
    }

    @Test
    void aSlotInvalidatedWhileDownIsHealed() throws Exception {
        String t = privateTable("b", "id bigint PRIMARY KEY, v bigint NOT NULL");
        StoppedRun first = runAndStop(t);
        writeWhileDown(t);
        invalidateSlot();
        assertRefused(first.checkpoint(), "was invalidated (wal_status 'lost')");
        healAndCompare(t, first);
    }

    @Test
    void aSlotInvalidatedWhileStreamingIsHealedWithoutAStop() throws Exception {
        String t = privateTable("c", "id bigint PRIMARY KEY, v bigint NOT NULL");
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 300) g");
        SourceRunner r = start(privateOptions("on-position-lost", "heal", "batch-size", 50, "backfill-chunk-size", 64),
                Optional.empty());
        await("the snapshot", () -> count(r, t, Operation.READ) == 300, LONG);
        r.context().holdEmits();
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(301, 500) g");
        await("the source to wait for the pipeline", () -> r.context().isWaitingToEmit(), LONG);
        writeWhileDown(t);
        invalidateSlot();
        r.context().releaseEmits();
        await("the heal backfill", () -> r.context().backfillChunks().stream()
                .anyMatch(c -> c.id().startsWith("heal-" + slot) && c.finished()), LONG);
        exec("UPDATE " + t + " SET v = v + 100 WHERE id = 2", "DELETE FROM " + t + " WHERE id = 3");
        await("streaming from the new slot", () -> of(r, t).stream().anyMatch(e -> e.operation() == Operation.DELETE
                && Long.valueOf(3).equals(e.key().get("id"))), LONG);
        assertThat(fold(of(r, t))).isEqualTo(privateTableState(t));
        assertThat(count(r, t, Operation.TRUNCATE)).as("the table emptied once before its backfill").isEqualTo(1);
        assertThat(r.failure()).isEmpty();
    }

    /**
     * A crash after the heal asked for its backfills and before its TRUNCATEs reached the pipeline
     * (the emit is held, then the source is closed: nothing after the lost checkpoint counts as
     * delivered): the restart from the same checkpoint heals again, asks for the same ids, and the
     * targets end equal to the table.
     */
    @Test
    void aCrashBetweenTheHealsRequestsAndItsTruncatesHealsAgain() throws Exception {
        String t = privateTable("d", "id bigint PRIMARY KEY, v bigint NOT NULL");
        StoppedRun first = runAndStop(t);
        exec("SELECT pg_drop_replication_slot('" + slot + "')");
        writeWhileDown(t);
        Map<String, Object> heal = privateOptions("on-position-lost", "heal", "backfill-chunk-size", 64);
        RecordingSourceContext crashing = new RecordingSourceContext("it", Optional.of(first.checkpoint()));
        crashing.holdEmits();
        SourceRunner crashed = SourceRunner.start(newSource(heal), crashing, Duration.ofSeconds(60),
                Duration.ofSeconds(10));
        runners.add(crashed);
        await("the heal's TRUNCATEs held", crashing::isWaitingToEmit, LONG);
        List<String> requested = crashing.backfillIds();
        assertThat(requested).as("requested before the TRUNCATEs").hasSize(1);
        assertThat(crashing.changeEvents()).as("no TRUNCATE delivered").isEmpty();
        crashed.close(); // its events from here on are not delivered: the checkpoint stays at the lost position
        awaitWalsenderGone();

        SourceRunner r = start(heal, Optional.of(first.checkpoint()));
        await("the heal backfill", () -> r.context().backfillChunks().stream()
                .anyMatch(c -> c.id().startsWith("heal-" + slot) && c.finished()), LONG);
        assertThat(r.context().backfillIds()).as("the same ids: derived from the lost position").isEqualTo(requested);
        exec("DELETE FROM " + t + " WHERE id = 3");
        await("streaming from the new slot", () -> count(r, t, Operation.DELETE) >= 1, LONG);
        List<ChangeEvent> all = new ArrayList<>(first.events());
        all.addAll(of(r, t));
        assertThat(fold(all)).as("rows deleted while the slot was lost are gone too").isEqualTo(privateTableState(t));
        assertThat(count(r, t, Operation.TRUNCATE)).isEqualTo(1);
        assertThat(r.failure()).isEmpty();
    }

    /** About 8 MB of WAL past the slot (max_slot_wal_keep_size 1 MB), then checkpoints until the server gives it up. */
    private void invalidateSlot() throws InterruptedException {
        await("the slot invalidated", () -> {
            try {
                exec("CREATE TABLE IF NOT EXISTS filler_" + target.name() + " (id bigint, pad text)",
                        "INSERT INTO filler_" + target.name() + " SELECT g, repeat('p', 200) FROM generate_series(1, "
                                + "30000) g", "SELECT pg_switch_wal()", "CHECKPOINT");
                return "lost".equals(value("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot
                        + "'").orElse(""));
            } catch (Exception e) {
                return false;
            }
        }, LONG);
    }

    private StoppedRun runAndStop(String t) throws Exception {
        return snapshotStreamAndStop(t, 500, privateOptions());
    }

    private static void writeWhileDown(String t) throws Exception {
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(501, 700) g",
                "UPDATE " + t + " SET v = v + 10 WHERE id % 7 = 0",
                "DELETE FROM " + t + " WHERE id % 11 = 0");
    }

    private void assertRefused(Position checkpoint, String what) throws Exception {
        Source s = newSource(privateOptions());
        try {
            assertThatThrownBy(() -> s.open(new RecordingSourceContext("it", Optional.of(checkpoint))))
                    .hasMessageContaining(what)
                    .hasMessageContaining("on-position-lost: heal")
                    .hasMessageContaining("snapshot-mode when-needed");
        } finally {
            s.close();
        }
    }

    private void healAndCompare(String t, StoppedRun first) throws Exception {
        SourceRunner r = start(privateOptions("on-position-lost", "heal", "backfill-chunk-size", 64),
                Optional.of(first.checkpoint()));
        await("the heal backfill", () -> r.context().backfillChunks().stream()
                .anyMatch(c -> c.id().startsWith("heal-" + slot) && c.finished()), LONG);
        assertThat(r.context().backfillIds()).as("one backfill per captured table, its id from the lost position")
                .containsExactly("heal-" + slot + "-public." + t + "-"
                        + dev.cdc.source.postgres.position.PgPosition.formatLsn(
                        dev.cdc.source.postgres.position.PgPosition.lsn(first.checkpoint())).replace('/', '-'));
        exec("UPDATE " + t + " SET v = v + 100 WHERE id = 2", "DELETE FROM " + t + " WHERE id = 3");
        await("streaming from the new slot", () -> count(r, t, Operation.DELETE) >= 1, LONG);
        List<ChangeEvent> all = new ArrayList<>(first.events());
        all.addAll(of(r, t));
        Map<Object, dev.cdc.api.event.Row> folded = fold(all);
        assertThat(folded).isEqualTo(privateTableState(t));
        assertThat(r.failure()).isEmpty();
        assertThat(value("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))
                .as("a new slot").isPresent().get().isNotEqualTo("lost");
    }
}
