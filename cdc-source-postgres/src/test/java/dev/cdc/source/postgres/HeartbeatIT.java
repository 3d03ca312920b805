package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** With heartbeat-interval set, an idle database still yields events, so the checkpoint and the slot advance. */
class HeartbeatIT extends PgTestBase {

    @Test
    void heartbeatsLetTheSlotAdvanceOnAnIdleDatabase() throws Exception {
        table("a", "id bigint PRIMARY KEY");
        SourceRunner r = start(options("snapshot-mode", "never", "heartbeat-interval", "200ms"), Optional.empty());
        long initial = Pg.confirmedFlush(slot);
        await("two heartbeats", () -> heartbeats(r).size() >= 2, Duration.ofSeconds(15));
        ChangeEvent last = heartbeats(r).get(heartbeats(r).size() - 1);
        assertThat(last.table().toString()).isEqualTo("pg_logical.message");
        r.source().commit(last.position());
        await("the slot to move to the heartbeat", () -> {
            try {
                return Pg.confirmedFlush(slot) == PgPosition.lsn(last.position());
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(10));
        assertThat(Pg.confirmedFlush(slot)).isGreaterThan(initial);
    }

    private static List<ChangeEvent> heartbeats(SourceRunner r) {
        return r.context().changeEvents().stream().filter(e -> e.table().namespace().equals("pg_logical")).toList();
    }
}
