package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With heartbeat-interval set, the slot advances on an idle captured table although heartbeats
 * are no events: never past an event not yet acknowledged, and a restart accepts the slot ahead of
 * the checkpoint it left.
 */
class HeartbeatIT extends PgTestBase {

    @Test
    void heartbeatsMoveTheSlotOverAnIdleCapturedTableOnlyPastAcknowledgedEvents() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY");
        SourceRunner r = start(options("snapshot-mode", "never", "heartbeat-interval", "200ms"), Optional.empty());
        long initial = flush();
        Pg.exec("INSERT INTO " + t + " VALUES (1)");
        await("the insert", () -> of(r, t).size() == 1, Duration.ofSeconds(15));
        Position event = of(r, t).get(0).position();
        Thread.sleep(1500); // several heartbeats with the event not acknowledged
        assertThat(flush()).as("never past an event not yet acknowledged").isEqualTo(initial)
                .isLessThan(PgPosition.lsn(event));

        r.source().commit(event);
        await("the slot to pass the acknowledged event", () -> flush() > PgPosition.lsn(event), Duration.ofSeconds(10));
        long first = flush();
        await("the slot to go on advancing while the table is idle", () -> flush() > first, Duration.ofSeconds(10));
        assertThat(of(r, t)).hasSize(1);
        assertThat(messages(r)).as("heartbeats are no events").isEmpty();

        r.close();
        assertThat(flush()).as("the slot is ahead of the checkpoint").isGreaterThan(PgPosition.lsn(event));
        SourceRunner second = start(options("snapshot-mode", "never", "heartbeat-interval", "200ms"),
                Optional.of(event));
        Pg.exec("INSERT INTO " + t + " VALUES (2)");
        await("the insert after the restart", () -> !of(second, t).isEmpty(), Duration.ofSeconds(30));
        Thread.sleep(500);
        assertThat(of(second, t)).hasSize(1).first().satisfies(e -> assertThat(e.key().get("id")).isEqualTo(2L));
    }

    @Test
    void aRestartStillRefusesASlotAheadOfAnotherCheckpoint() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY");
        SourceRunner r = start(options("snapshot-mode", "never", "heartbeat-interval", "200ms"), Optional.empty());
        Pg.exec("INSERT INTO " + t + " VALUES (1)", "INSERT INTO " + t + " VALUES (2)");
        await("two inserts", () -> of(r, t).size() == 2, Duration.ofSeconds(15));
        Position older = of(r, t).get(0).position();
        Position last = of(r, t).get(1).position();
        r.source().commit(last);
        await("the slot to pass the acknowledged event", () -> flush() > PgPosition.lsn(last), Duration.ofSeconds(10));
        r.close();
        // a checkpoint the heartbeats did not note (an older one): the event after it would be skipped
        assertThatThrownBy(() -> start(options("snapshot-mode", "never"), Optional.of(older)))
                .hasMessageContaining("after the pipeline's checkpoint").hasMessageContaining("Refusing to start");
    }

    private long flush() {
        try {
            return Pg.confirmedFlush(slot);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<ChangeEvent> messages(SourceRunner r) {
        return r.context().changeEvents().stream().filter(e -> e.table().namespace().equals("pg_logical")).toList();
    }
}
