package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.PrivateMariaDb;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checkpoint's binlog file is purged while the pipeline is down and rows are written, on a
 * MariaDB of the test's own (the shared server's binlogs are never purged): by default the source
 * refuses, naming on-position-lost; snapshot-mode: when-needed snapshots again; on-position-lost:
 * heal streams from the current end and backfills every captured table (the events applied by key
 * end holding every row of the tables; a row deleted in the lost binlog is left for cdc verify
 * --repair), under ids that a second heal of the same position repeats.
 */
class PositionLostIT extends MariaDbFixture {

    @Test
    void aPurgedCheckpointIsRefusedByDefaultResnapshottedWhenNeededAndHealedWithHeal() throws Exception {
        try (PrivateMariaDb server = PrivateMariaDb.start("lost-" + target.name())) {
            TableId a = TableId.of("test", target.name("a"));
            TableId b = TableId.of("test", target.name("b"));
            for (TableId t : List.of(a, b)) {
                exec(server, "CREATE TABLE " + MariaDbDriver.q(t) + " (id INT PRIMARY KEY, v INT)");
                exec(server, "INSERT INTO " + MariaDbDriver.q(t) + " VALUES (1, 0), (2, 0), (3, 0)");
            }
            Map<String, Object> o = on(server);
            SourceRunner first = start(o, Optional.empty());
            exec(server, "UPDATE " + MariaDbDriver.q(a) + " SET v = 1 WHERE id = 1");
            first.context().awaitChanges(e -> e.operation() == Operation.UPDATE, 1, Duration.ofSeconds(60));
            List<ChangeEvent> seen = first.context().changeEvents();
            Position checkpoint = seen.get(seen.size() - 1).position();
            first.close();

            // while the pipeline is down: writes, then the checkpoint's file is purged
            for (TableId t : List.of(a, b)) {
                exec(server, "INSERT INTO " + MariaDbDriver.q(t) + " VALUES (4, 4)");
                exec(server, "UPDATE " + MariaDbDriver.q(t) + " SET v = 9 WHERE id = 2");
                exec(server, "DELETE FROM " + MariaDbDriver.q(t) + " WHERE id = 3");
            }
            purgeThrough(server, checkpoint.offsets().get("file"));

            assertThatThrownBy(() -> start(o, Optional.of(checkpoint)))
                    .hasStackTraceContaining(checkpoint.offsets().get("file"))
                    .hasStackTraceContaining("purged")
                    .hasStackTraceContaining("on-position-lost: heal")
                    .hasStackTraceContaining("snapshot-mode: when-needed");

            Map<String, Object> whenNeeded = on(server);
            whenNeeded.put("snapshot-mode", "when-needed");
            SourceRunner snapshot = start(whenNeeded, Optional.of(checkpoint));
            snapshot.context().awaitChanges(e -> e.table().equals(a), 3, Duration.ofSeconds(60));
            assertThat(changes(snapshot, a)).extracting(ChangeEvent::operation).containsOnly(Operation.READ);
            snapshot.close();

            Map<String, Object> heal = on(server);
            heal.put("on-position-lost", "heal");
            heal.put("snapshot-mode", "when-needed"); // heal takes precedence
            SourceRunner healed = start(heal, Optional.of(checkpoint));
            exec(server, "INSERT INTO " + MariaDbDriver.q(a) + " VALUES (5, 5)");
            healed.context().awaitChanges(e -> e.table().equals(a), 1, Duration.ofSeconds(60));
            assertThat(changes(healed, a)).as("streamed from the binlog's current end, no snapshot")
                    .extracting(ChangeEvent::operation).containsExactly(Operation.CREATE);
            String lost = "heal-" + checkpoint.offsets().get("file") + "-" + checkpoint.offsets().get("pos") + "-";
            List<String> requested = healed.context().backfillIds();
            assertThat(requested).as("one backfill per captured table, its id derived from the lost position")
                    .containsExactlyInAnyOrder(lost + a, lost + b);
            healed.context().awaitBackfillsDone(Duration.ofSeconds(60));
            assertThat(healed.context().backfillFailures()).isEmpty();
            for (TableId t : List.of(a, b)) {
                Map<Object, Row> targets = apply(apply(newState(), changes(first, t)), changes(healed, t));
                Map<Object, Row> table = rows(server, t);
                assertThat(targets).as("%s: every row inserted or updated while the binlog was lost is back", t)
                        .containsAllEntriesOf(table);
                // a row deleted in the lost binlog is in no backfill: cdc verify --repair finds and deletes it
                targets.keySet().removeAll(table.keySet());
                assertThat(targets.keySet()).as("%s: only the row deleted in the lost binlog is left over", t)
                        .containsExactly(3);
            }
            healed.close();

            // a crash before the checkpoint moved: the same heal asks for the same ids again (the engine ignores them)
            SourceRunner again = start(heal, Optional.of(checkpoint));
            exec(server, "INSERT INTO " + MariaDbDriver.q(a) + " VALUES (6, 6)");
            again.context().awaitChanges(e -> e.table().equals(a), 1, Duration.ofSeconds(60));
            assertThat(again.context().backfillIds()).containsExactlyInAnyOrderElementsOf(requested);
            again.close();
        }
    }

    static Map<String, Object> on(PrivateMariaDb server, Map<String, Object> base) {
        base.put("port", server.port());
        base.put("user", server.user());
        base.put("password", server.password());
        base.put("reconnect-timeout", "5s");
        return base;
    }

    private Map<String, Object> on(PrivateMariaDb server) {
        return on(server, options());
    }

    static void exec(PrivateMariaDb server, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Rotates and purges until {@code file} is gone (a closing dump thread may still hold it for a moment). */
    static void purgeThrough(PrivateMariaDb server, String file) throws Exception {
        exec(server, "FLUSH BINARY LOGS");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement st = c.createStatement()) {
            String current;
            try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                current = rs.getString(1);
            }
            long deadline = System.currentTimeMillis() + 20_000;
            List<String> logs;
            do {
                st.execute("PURGE BINARY LOGS TO '" + current + "'");
                Thread.sleep(200);
                logs = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
                    while (rs.next()) {
                        logs.add(rs.getString(1));
                    }
                }
            } while (logs.contains(file) && System.currentTimeMillis() < deadline);
            assertThat(logs).as("binlog files after PURGE BINARY LOGS TO %s", current).doesNotContain(file);
        }
    }

    /** The rows of a table as a key → row map (the test's tables have columns id and v). */
    static Map<Object, Row> rows(PrivateMariaDb server, TableId t) throws Exception {
        Map<Object, Row> out = newState();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM " + MariaDbDriver.q(t) + " ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getInt(1), Row.builder().put("id", rs.getInt(1)).put("v", rs.getObject(2)).build());
            }
        }
        return out;
    }
}
