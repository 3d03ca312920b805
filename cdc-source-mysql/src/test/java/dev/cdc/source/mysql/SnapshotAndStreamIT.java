package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** A snapshot in small chunks while a writer changes the table: the events' final state equals the table. */
class SnapshotAndStreamIT extends MariaDbFixture {

    @Test
    void finalStateEqualsTheTableUnderAConcurrentWriter() throws Exception {
        TableId t = table("snap", "id BIGINT PRIMARY KEY, v INT, note VARCHAR(20)");
        Map<String, Object> o = new HashMap<>(options());
        o.put("snapshot-chunk-size", 100);
        o.put("max-batch", 50);
        SourceRunner r = snapshotUnderWriter(o, List.of(t));
        List<ChangeEvent> events = changes(r, t);
        assertThat(events.stream().filter(e -> e.operation() == Operation.READ).count()).isGreaterThan(0);
        assertThat(r.context().snapshotProgress()).anyMatch(p -> p.table().equals(t) && p.finished());
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position().sortKey()).isGreaterThan(events.get(i - 1).position().sortKey());
        }
    }

    @Test
    void twoTablesReadInParallelUnderAConcurrentWriterEndEqualToTheTables() throws Exception {
        TableId a = table("para", "id BIGINT PRIMARY KEY, v INT, note VARCHAR(20)");
        TableId b = table("parb", "id BIGINT PRIMARY KEY, v INT, note VARCHAR(20)");
        Map<String, Object> o = new HashMap<>(options());
        o.put("snapshot-chunk-size", 100);
        o.put("max-batch", 50);
        o.put("snapshot-parallelism", 2);
        SourceRunner r = snapshotUnderWriter(o, List.of(a, b));
        List<dev.cdc.api.event.StreamEvent> all = r.context().events();
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).position().sortKey()).isGreaterThan(all.get(i - 1).position().sortKey());
        }
        // whether the rows interleave is not asserted: the workers may finish one table before the other starts,
        // and under a busy writer the source falls back to one worker when they cannot agree on a binlog position
        assertThat(all.stream().filter(e -> e instanceof ChangeEvent c && c.operation() == Operation.READ)
                .map(dev.cdc.api.event.StreamEvent::table).distinct()).containsExactlyInAnyOrder(a, b);
        assertThat(r.context().snapshotProgress()).anyMatch(p -> p.table().equals(a) && p.finished())
                .anyMatch(p -> p.table().equals(b) && p.finished());
    }

    /** Starts the source while a writer changes the tables, then checks each table's final state against the events. */
    private SourceRunner snapshotUnderWriter(Map<String, Object> o, List<TableId> tables) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 3000; i++) {
            sb.append(i > 1 ? "," : "").append("(").append(i).append(",0,'init')");
        }
        for (TableId t : tables) {
            db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES " + sb);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> write(tables, stop), "writer");
        writer.start();
        SourceRunner r;
        try {
            Thread.sleep(200);
            r = start(o, Optional.empty());
            Thread.sleep(2000);
        } finally {
            stop.set(true);
            writer.join();
        }
        for (TableId t : tables) {
            Map<Object, Row> expected = new HashMap<>();
            try (Statement s = db.connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, v, note FROM " + MariaDbDriver.q(t))) {
                while (rs.next()) {
                    expected.put(rs.getLong(1), Row.of("id", rs.getLong(1), "v", rs.getInt(2), "note", rs.getString(3)));
                }
            }
            // a marker row: once it arrived, everything before it did
            db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (-1, 0, 'end')");
            r.context().awaitChanges(e -> e.table().equals(t) && Long.valueOf(-1).equals(e.key().get("id")), 1,
                    Duration.ofSeconds(60));
            Map<Object, Row> state = apply(newState(), changes(r, t));
            state.remove(-1L);
            assertThat(state).as("final state of %s", t).isEqualTo(expected);
        }
        return r;
    }

    private void write(List<TableId> tables, AtomicBoolean stop) {
        Random random = new Random(7);
        long next = 10_000;
        try (Connection c = MariaDbDriver.open()) {
            while (!stop.get()) {
                int op = random.nextInt(3);
                TableId t = tables.get(random.nextInt(tables.size()));
                long id = 1 + random.nextInt(3000);
                String sql = switch (op) {
                    case 0 -> "UPDATE " + MariaDbDriver.q(t) + " SET v = v + 1, note = 'upd' WHERE id = " + id;
                    case 1 -> "DELETE FROM " + MariaDbDriver.q(t) + " WHERE id = " + id;
                    default -> "INSERT INTO " + MariaDbDriver.q(t) + " VALUES (" + (next++) + ", 1, 'new')";
                };
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.executeUpdate();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
