package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.source.mysql.binlog.BinlogPosition;
import dev.cdc.testkit.fixture.PrivateMariaDb;
import dev.cdc.testkit.fixture.TcpProxy;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checkpoint's binlog file is purged while the pipeline is down and rows are written, on a
 * MariaDB of the test's own (the shared server's binlogs are never purged): by default the source
 * refuses, naming on-position-lost; snapshot-mode: when-needed snapshots again; on-position-lost:
 * heal streams from the current end, empties (a TRUNCATE per table, before any streamed event) and
 * backfills every captured table (the events applied by key end equal to the tables, rows deleted
 * in the lost binlog included), under ids that a second heal of the same position repeats; a
 * restart from a TRUNCATE's position streams from the new start without healing or skipping.
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
            Position checkpoint = updateAndStop(server, first, a);

            // while the pipeline is down: writes, then the checkpoint's file is purged
            for (TableId t : List.of(a, b)) {
                exec(server, "INSERT INTO " + MariaDbDriver.q(t) + " VALUES (4, 4)");
                exec(server, "UPDATE " + MariaDbDriver.q(t) + " SET v = 9 WHERE id = 2");
                exec(server, "DELETE FROM " + MariaDbDriver.q(t) + " WHERE id = 3");
            }
            server.purgeBinaryLogsThrough(checkpoint.offsets().get("file"));

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
            healed.context().awaitChanges(e -> e.operation() == Operation.CREATE, 1, Duration.ofSeconds(60));
            String lost = "heal-" + checkpoint.offsets().get("file") + "-" + checkpoint.offsets().get("pos") + "-";
            List<String> requested = healed.context().backfillIds();
            assertThat(requested).as("one backfill per captured table, its id derived from the lost position")
                    .containsExactlyInAnyOrder(lost + a, lost + b);
            healed.context().awaitBackfillsDone(Duration.ofSeconds(60));
            assertThat(healed.context().backfillFailures()).isEmpty();
            List<ChangeEvent> healedEvents = healed.context().changeEvents();
            assertThat(healedEvents.stream().filter(e -> e.header(BackfillRequest.ID_HEADER).isEmpty()))
                    .as("streamed from the binlog's current end, no snapshot")
                    .extracting(ChangeEvent::operation).containsExactly(Operation.CREATE);
            ChangeEvent streamed = healedEvents.stream().filter(e -> e.operation() == Operation.CREATE).findFirst()
                    .orElseThrow();
            List<ChangeEvent> truncates = healedEvents.stream().filter(e -> e.operation() == Operation.TRUNCATE)
                    .toList();
            assertThat(truncates).as("one TRUNCATE per captured table, first of all, headed with its backfill's id")
                    .hasSize(2).isEqualTo(healedEvents.subList(0, 2))
                    .extracting(e -> e.header(BackfillRequest.ID_HEADER).orElseThrow())
                    .containsExactlyInAnyOrder(lost + a, lost + b);
            for (ChangeEvent tr : truncates) {
                assertThat(tr.position().sortKey()).as("after the lost checkpoint, before the first streamed event")
                        .isGreaterThan(checkpoint.sortKey()).isLessThan(streamed.position().sortKey());
            }
            for (TableId t : List.of(a, b)) {
                List<ChangeEvent> events = changes(healed, t);
                assertThat(events.get(0).operation()).as("%s: emptied before its backfill", t)
                        .isEqualTo(Operation.TRUNCATE);
                assertThat(events.subList(1, events.size())).as("%s: read back, and (a) the row streamed", t)
                        .allSatisfy(e -> assertThat(e.operation()).isIn(Operation.READ, Operation.CREATE))
                        .allSatisfy(e -> assertThat(e.position().sortKey()).isGreaterThan(
                                events.get(0).position().sortKey()));
                Map<Object, Row> targets = apply(apply(newState(), changes(first, t)), events);
                assertThat(targets).as("%s: rows inserted, updated and deleted while the binlog was lost: the targets"
                        + " equal the table", t).isEqualTo(rows(server, t)).doesNotContainKey(3);
            }
            healed.close();

            // a restart from the last TRUNCATE (the checkpoint once it is durable): no second heal, nothing skipped
            SourceRunner resumed = start(heal, Optional.of(truncates.get(1).position()));
            resumed.context().awaitChanges(e -> e.operation() == Operation.CREATE, 1, Duration.ofSeconds(60));
            assertThat(resumed.context().backfillIds()).isEmpty();
            assertThat(resumed.context().changeEvents().get(0)).as("the first streamed event again, same place")
                    .extracting(ChangeEvent::operation, ChangeEvent::position)
                    .containsExactly(Operation.CREATE, streamed.position());
            resumed.close();

            // the same at the very start of a transaction: a row event at the place itself (row 1) is not skipped
            BinlogPosition end = masterStatus(server);
            Position before = end.justBefore(1);
            exec(server, "INSERT INTO " + MariaDbDriver.q(b) + " VALUES (7, 7)");
            SourceRunner atPlace = start(heal, Optional.of(before));
            ChangeEvent seven = atPlace.context().awaitChanges(e -> e.operation() == Operation.CREATE, 1,
                    Duration.ofSeconds(60)).get(0);
            assertThat(BinlogPosition.from(seven.position())).as("the transaction starting at %s", end)
                    .extracting(BinlogPosition::file, BinlogPosition::offset, BinlogPosition::row)
                    .containsExactly(end.file(), end.offset(), 1L);
            assertThat(before.sortKey()).isLessThan(seven.position().sortKey());
            assertThat(atPlace.context().backfillIds()).isEmpty();
            atPlace.close();

            // a crash before the checkpoint moved: the same heal asks for the same ids again (the engine ignores them)
            SourceRunner again = start(heal, Optional.of(checkpoint));
            exec(server, "INSERT INTO " + MariaDbDriver.q(a) + " VALUES (6, 6)");
            again.context().awaitChanges(e -> e.operation() == Operation.CREATE, 1, Duration.ofSeconds(60));
            assertThat(again.context().backfillIds()).containsExactlyInAnyOrderElementsOf(requested);
            assertThat(again.context().changeEvents()).filteredOn(e -> e.operation() == Operation.TRUNCATE)
                    .as("emptied again: the checkpoint never passed the first heal's TRUNCATEs").hasSize(2);
            again.close();
        }
    }

    /**
     * A crash after the heal asked for its backfills and before its TRUNCATEs reached the pipeline
     * (the emit is held, then the source is closed: nothing after the lost checkpoint counts as
     * delivered): the restart from the same checkpoint heals again, asks for the same ids, and the
     * targets end equal to the table, the row deleted in the lost binlog included.
     */
    @Test
    void aCrashBetweenTheHealsRequestsAndItsTruncatesHealsAgain() throws Exception {
        try (PrivateMariaDb server = PrivateMariaDb.start("lost-crash-" + target.name())) {
            TableId a = TableId.of("test", target.name("a"));
            exec(server, "CREATE TABLE " + MariaDbDriver.q(a) + " (id INT PRIMARY KEY, v INT)");
            exec(server, "INSERT INTO " + MariaDbDriver.q(a) + " VALUES (1, 0), (2, 0), (3, 0)");
            SourceRunner first = start(on(server), Optional.empty());
            Position checkpoint = updateAndStop(server, first, a);
            exec(server, "INSERT INTO " + MariaDbDriver.q(a) + " VALUES (4, 4)");
            exec(server, "DELETE FROM " + MariaDbDriver.q(a) + " WHERE id = 3");
            server.purgeBinaryLogsThrough(checkpoint.offsets().get("file"));

            Map<String, Object> heal = on(server);
            heal.put("on-position-lost", "heal");
            RecordingSourceContext crashing = new RecordingSourceContext(TestPluginContext.PIPELINE,
                    Optional.of(checkpoint));
            crashing.holdEmits();
            MySqlSourceFactory f = new MySqlSourceFactory();
            List<String> requested;
            try (SourceRunner crashed = SourceRunner.start(f.create(TestPluginContext.bind(f, heal, target, "source")),
                    crashing, Duration.ofSeconds(60), Duration.ofSeconds(10))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!crashing.isWaitingToEmit() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(crashing.isWaitingToEmit()).as("the heal's TRUNCATEs held").isTrue();
                requested = crashing.backfillIds();
                assertThat(requested).as("requested before the TRUNCATEs").hasSize(1);
                assertThat(crashing.changeEvents()).as("no TRUNCATE delivered").isEmpty();
            } // closed: what it emits from here on is not delivered, the checkpoint stays at the lost position

            SourceRunner restarted = start(heal, Optional.of(checkpoint));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (restarted.context().backfillIds().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(restarted.context().backfillIds()).as("the same ids: derived from the lost position")
                    .isEqualTo(requested);
            restarted.context().awaitBackfillsDone(Duration.ofSeconds(60));
            List<ChangeEvent> events = changes(restarted, a);
            assertThat(events.get(0).operation()).isEqualTo(Operation.TRUNCATE);
            assertThat(apply(apply(newState(), changes(first, a)), events)).as("the targets equal the table")
                    .isEqualTo(rows(server, a)).doesNotContainKey(3);
        }
    }

    /**
     * The binlog connection is cut (a proxy refuses) and the file it was reading is purged meanwhile:
     * the reconnect finds the position gone and, with heal, the running source heals without a
     * restart: streams from the end and backfills the table, its events ending equal to the table.
     */
    @Test
    void aBinlogPurgedWhileReconnectingIsHealedWithoutARestart() throws Exception {
        try (PrivateMariaDb server = PrivateMariaDb.start("lost-run-" + target.name());
             TcpProxy proxy = TcpProxy.start("127.0.0.1", server.port())) {
            TableId a = TableId.of("test", target.name("a"));
            exec(server, "CREATE TABLE " + MariaDbDriver.q(a) + " (id INT PRIMARY KEY, v INT)");
            exec(server, "INSERT INTO " + MariaDbDriver.q(a) + " VALUES (1, 0), (2, 0), (3, 0)");
            Map<String, Object> o = on(server);
            o.put("port", proxy.port());
            o.put("reconnect-timeout", "60s");
            o.put("on-position-lost", "heal");
            SourceRunner r = start(o, Optional.empty());
            exec(server, "INSERT INTO " + MariaDbDriver.q(a) + " VALUES (4, 0)");
            r.context().awaitChanges(e -> e.operation() == Operation.CREATE, 1, Duration.ofSeconds(60));
            String reading = r.context().changeEvents().get(r.context().changeEvents().size() - 1).position()
                    .offsets().get("file");

            proxy.refuse();
            exec(server, "UPDATE " + MariaDbDriver.q(a) + " SET v = 7 WHERE id = 2");
            exec(server, "INSERT INTO " + MariaDbDriver.q(a) + " VALUES (5, 5)");
            exec(server, "DELETE FROM " + MariaDbDriver.q(a) + " WHERE id = 3");
            server.purgeBinaryLogsThrough(reading);
            proxy.accept();

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (r.context().backfillIds().isEmpty() && System.nanoTime() < deadline && r.failure().isEmpty()) {
                Thread.sleep(100);
            }
            assertThat(r.failure()).isEmpty();
            assertThat(r.context().backfillIds()).singleElement().asString().startsWith("heal-" + reading + "-")
                    .endsWith("-" + a);
            r.context().awaitBackfillsDone(Duration.ofSeconds(60));
            exec(server, "INSERT INTO " + MariaDbDriver.q(a) + " VALUES (6, 6)");
            r.context().awaitChanges(e -> Integer.valueOf(6).equals(e.key().get("id")), 1, Duration.ofSeconds(60));
            List<ChangeEvent> events = changes(r, a);
            ChangeEvent truncate = events.stream().filter(e -> e.operation() == Operation.TRUNCATE).findFirst()
                    .orElseThrow();
            assertThat(truncate.header(BackfillRequest.ID_HEADER)).isEqualTo(Optional.of(r.context().backfillIds()
                    .get(0)));
            int at = events.indexOf(truncate);
            assertThat(events.subList(0, at)).as("everything before the heal sorts before its TRUNCATE")
                    .allSatisfy(e -> assertThat(e.position().sortKey()).isLessThan(truncate.position().sortKey()));
            assertThat(events.subList(at + 1, events.size())).as("the backfill and the stream after it")
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.position().sortKey()).isGreaterThan(truncate.position().sortKey()));
            assertThat(apply(newState(), events)).as("row 3, deleted while the binlog was lost, is gone")
                    .isEqualTo(rows(server, a)).doesNotContainKey(3);
        }
    }

    /** Updates row 1 of {@code a}, waits for it, stops the source: the update's position is the checkpoint. */
    private static Position updateAndStop(PrivateMariaDb server, SourceRunner first, TableId a) throws Exception {
        exec(server, "UPDATE " + MariaDbDriver.q(a) + " SET v = 1 WHERE id = 1");
        first.context().awaitChanges(e -> e.operation() == Operation.UPDATE, 1, Duration.ofSeconds(60));
        List<ChangeEvent> seen = first.context().changeEvents();
        first.close();
        return seen.get(seen.size() - 1).position();
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

    /** The server's binlog end ({@code SHOW MASTER STATUS}). */
    static BinlogPosition masterStatus(PrivateMariaDb server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            assertThat(rs.next()).isTrue();
            return BinlogPosition.of(rs.getString(1), rs.getLong(2));
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
