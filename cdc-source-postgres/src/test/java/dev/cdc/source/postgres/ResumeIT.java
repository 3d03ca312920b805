package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Restarting from a checkpoint delivers exactly the rest; the slot is acknowledged up to the checkpoint only. */
class ResumeIT extends PgTestBase {

    @Test
    void restartInTheMiddleOfATransactionDeliversExactlyTheRest() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner first = start(options("snapshot-mode", "never"), Optional.empty());
        // three transactions of 5 events each: every event of one transaction shares its commit LSN
        for (int tx = 0; tx < 3; tx++) {
            StringBuilder sql = new StringBuilder("BEGIN;");
            for (int i = 0; i < 5; i++) {
                sql.append("INSERT INTO ").append(t).append(" VALUES (").append(tx * 10 + i).append(", 0);");
            }
            Pg.exec(sql.append("COMMIT;").toString());
        }
        await("15 events", () -> of(first, t).size() == 15, Duration.ofSeconds(30));
        List<ChangeEvent> all = of(first, t);
        assertThat(all.stream().map(e -> PgPosition.lsn(e.position())).distinct().count()).isEqualTo(3);
        Position checkpoint = all.get(7).position(); // the 3rd event of the 2nd transaction
        first.source().commit(checkpoint);
        await("confirmed_flush_lsn to reach the checkpoint", () -> flush() == PgPosition.lsn(checkpoint),
                Duration.ofSeconds(10));
        first.close();
        assertThat(flush()).as("the slot never passes the checkpoint").isEqualTo(PgPosition.lsn(checkpoint));

        SourceRunner second = start(options("snapshot-mode", "never"), Optional.of(checkpoint));
        Pg.exec("INSERT INTO " + t + " VALUES (100, 1)");
        await("the rest", () -> of(second, t).size() >= 8, Duration.ofSeconds(30));
        Thread.sleep(500);
        List<ChangeEvent> rest = of(second, t);
        assertThat(rest.stream().map(e -> e.position().sortKey()).toList())
                .isEqualTo(concat(all.subList(8, 15).stream().map(e -> e.position().sortKey()).toList(),
                        rest.get(7).position().sortKey()));
        assertThat(rest.get(7).key().get("id")).isEqualTo(100L);
    }

    @Test
    void gracefulStopAndRestartFromTheLastEventGivesNoDuplicate() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner first = start(options(), Optional.empty());
        Pg.exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 100) g",
                "UPDATE " + t + " SET v = 1 WHERE id <= 10");
        await("110 events", () -> of(first, t).size() == 110, Duration.ofSeconds(30));
        Position last = of(first, t).get(109).position();
        first.source().commit(last);
        Thread.sleep(1500);
        first.close();
        SourceRunner second = start(options(), Optional.of(last));
        Pg.exec("DELETE FROM " + t + " WHERE id = 1");
        await("the delete", () -> !of(second, t).isEmpty(), Duration.ofSeconds(30));
        Thread.sleep(500);
        assertThat(of(second, t)).hasSize(1).first().extracting(ChangeEvent::operation).isEqualTo(Operation.DELETE);
    }

    @Test
    void slotAcknowledgementAdvancesWithCommitsAndNeverBeyond() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner r = start(options("snapshot-mode", "never"), Optional.empty());
        long initial = flush();
        for (int i = 0; i < 5; i++) {
            Pg.exec("INSERT INTO " + t + " VALUES (" + i + ", 0)");
        }
        await("5 events", () -> of(r, t).size() == 5, Duration.ofSeconds(30));
        Thread.sleep(1500);
        assertThat(flush()).as("nothing committed yet: the slot stays").isEqualTo(initial);
        Position third = of(r, t).get(2).position();
        r.source().commit(third);
        await("the slot to advance to the commit", () -> flush() == PgPosition.lsn(third), Duration.ofSeconds(5));
        Thread.sleep(1500);
        assertThat(flush()).isEqualTo(PgPosition.lsn(third));
    }

    private long flush() {
        try {
            return Pg.confirmedFlush(slot);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> concat(List<String> a, String b) {
        var out = new java.util.ArrayList<>(a);
        out.add(b);
        return out;
    }
}
