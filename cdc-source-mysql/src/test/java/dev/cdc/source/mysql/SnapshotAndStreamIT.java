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
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 3000; i++) {
            sb.append(i > 1 ? "," : "").append("(").append(i).append(",0,'init')");
        }
        db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES " + sb);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> write(t, stop), "writer");
        writer.start();
        Map<String, Object> o = new HashMap<>(options());
        o.put("snapshot-chunk-size", 100);
        o.put("max-batch", 50);
        SourceRunner r;
        try {
            Thread.sleep(200);
            r = start(o, Optional.empty());
            Thread.sleep(2000);
        } finally {
            stop.set(true);
            writer.join();
        }
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
        List<ChangeEvent> events = changes(r, t);
        Map<Object, Row> state = apply(newState(), events);
        state.remove(-1L);
        assertThat(state).isEqualTo(expected);
        assertThat(events.stream().filter(e -> e.operation() == Operation.READ).count()).isGreaterThan(0);
        assertThat(r.context().snapshotProgress()).anyMatch(p -> p.table().equals(t) && p.finished());
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position().sortKey()).isGreaterThan(events.get(i - 1).position().sortKey());
        }
    }

    private void write(TableId t, AtomicBoolean stop) {
        Random random = new Random(7);
        long next = 10_000;
        try (Connection c = MariaDbDriver.open()) {
            while (!stop.get()) {
                int op = random.nextInt(3);
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
