package dev.cdc.source.postgres;

import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Source;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Setups a user can fix: each refused with a message naming the SQL or setting that fixes it. */
class SetupErrorsIT extends PgTestBase {

    @Test
    void roleWithoutReplication() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        String role = target.name("r");
        Pg.exec("DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN NOREPLICATION NOSUPERUSER",
                "GRANT SELECT ON " + t + " TO " + role);
        try {
            assertThatThrownBy(() -> openAndClose(options("user", role), Optional.empty()))
                    .hasMessageContaining("has no REPLICATION attribute")
                    .hasMessageContaining("ALTER ROLE \"" + role + "\" REPLICATION");
        } finally {
            Pg.exec("DROP OWNED BY " + role, "DROP ROLE IF EXISTS " + role);
        }
    }

    @Test
    void publicationWithoutTheTable() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        String other = table("other", "id bigint PRIMARY KEY");
        Pg.exec("CREATE PUBLICATION " + slot + " FOR TABLE " + other);
        assertThatThrownBy(() -> openAndClose(options("tables", "public." + t), Optional.empty()))
                .hasMessageContaining("publication '" + slot + "' does not include")
                .hasMessageContaining("ALTER PUBLICATION " + slot + " ADD TABLE \"public\".\"" + t + "\"");
        assertThat(Pg.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot + "'")).isEmpty();
    }

    @Test
    void slotAlreadyActive() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner first = start(options("snapshot-mode", "never"), Optional.empty());
        Pg.exec("INSERT INTO " + t + " VALUES (1, 1)");
        await("the first source streaming", () -> of(first, t).size() == 1, Duration.ofSeconds(30));
        assertThatThrownBy(() -> openAndClose(options("snapshot-mode", "never"), Optional.empty()))
                .hasMessageContaining("replication slot '" + slot + "' is in use by another consumer")
                .hasMessageContaining("give this source its own 'slot'")
                .hasMessageContaining("pg_terminate_backend(");
        Pg.exec("INSERT INTO " + t + " VALUES (2, 1)");
        await("the first source unaffected", () -> of(first, t).size() == 2, Duration.ofSeconds(30));
        assertThat(first.failure()).isEmpty();
    }

    @Test
    void slotDroppedBehindTheCheckpoint() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Position checkpoint = streamAndStop(t);
        Pg.exec("SELECT pg_drop_replication_slot('" + slot + "')");
        Pg.exec("INSERT INTO " + t + " VALUES (3, 1)"); // lost for the slot: only a new snapshot has it
        for (String mode : new String[] {"initial", "never"}) {
            assertThatThrownBy(() -> openAndClose(options("snapshot-mode", mode), Optional.of(checkpoint)))
                    .as(mode)
                    .hasMessageContaining("replication slot '" + slot + "' does not exist")
                    .hasMessageContaining("snapshot-mode when-needed");
        }
        assertThat(Pg.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot + "'")).isEmpty();
        resnapshots(t, checkpoint);
    }

    @Test
    void slotRecreatedAheadOfTheCheckpoint() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Position checkpoint = streamAndStop(t);
        Pg.exec("SELECT pg_drop_replication_slot('" + slot + "')");
        Pg.exec("INSERT INTO " + t + " VALUES (3, 1)");
        Pg.exec("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        long recreatedAt = Pg.confirmedFlush(slot);
        for (String mode : new String[] {"initial", "never"}) {
            assertThatThrownBy(() -> openAndClose(options("snapshot-mode", mode), Optional.of(checkpoint)))
                    .as(mode)
                    .hasMessageContaining("after the pipeline's checkpoint")
                    .hasMessageContaining("Refusing to start")
                    .hasMessageContaining("snapshot-mode when-needed");
        }
        assertThat(Pg.confirmedFlush(slot)).as("the refused starts left the slot alone").isEqualTo(recreatedAt);
        resnapshots(t, checkpoint);
    }

    /** Streams two inserts with a fresh slot and returns the last one's position; the source is stopped. */
    private Position streamAndStop(String t) throws Exception {
        SourceRunner r = start(options("snapshot-mode", "never"), Optional.empty());
        Pg.exec("INSERT INTO " + t + " VALUES (1, 1)", "INSERT INTO " + t + " VALUES (2, 1)");
        await("2 events", () -> of(r, t).size() == 2, Duration.ofSeconds(30));
        Position p = of(r, t).get(1).position();
        r.source().commit(p);
        r.close();
        runners.remove(r);
        await("the walsender gone", () -> {
            try {
                return Pg.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active")
                        .isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20));
        return p;
    }

    /** With when-needed the source reads the tables again (never jumping silently to "now"). */
    private void resnapshots(String t, Position checkpoint) throws Exception {
        SourceRunner r = start(options("snapshot-mode", "when-needed"), Optional.of(checkpoint));
        await("3 snapshot rows", () -> count(r, t, Operation.READ) == 3, Duration.ofSeconds(30));
        Pg.exec("INSERT INTO " + t + " VALUES (4, 1)");
        await("the stream after the new snapshot", () -> count(r, t, Operation.CREATE) == 1, Duration.ofSeconds(30));
        assertThat(fold(of(r, t))).isEqualTo(tableState(t));
        assertThat(r.failure()).isEmpty();
    }

    private void openAndClose(Map<String, Object> options, Optional<Position> resume) throws Exception {
        Source s = newSource(options);
        try {
            s.open(new RecordingSourceContext("it", resume));
        } finally {
            s.close();
        }
    }
}
