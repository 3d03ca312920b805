package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DATETIME is wall-clock fields (never shifted); TIMESTAMP is an instant, written through the
 * session time zone: under three server and session time zones both read right, by snapshot and binlog.
 */
class TimeZonesIT extends MariaDbFixture {

    @Test
    void datetimeAndTimestampUnderThreeTimeZones() throws Exception {
        String globalBefore;
        try (Statement s = db.connection.createStatement(); ResultSet rs = s.executeQuery("SELECT @@global.time_zone")) {
            rs.next();
            globalBefore = rs.getString(1);
        }
        TableId t = table("tz", "id INT PRIMARY KEY, dt DATETIME(3), ts TIMESTAMP(3) NULL");
        String[][] zones = {{"+00:00", "+00:00"}, {"+05:30", "-08:00"}, {"-03:00", "+11:45"}};
        try {
            int id = 0;
            // snapshot rows: written under each zone before the source starts
            for (String[] z : zones) {
                db.execute("SET GLOBAL time_zone = '" + z[0] + "'");
                db.execute("SET SESSION time_zone = '" + z[1] + "'");
                db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (" + (++id)
                        + ", '2024-03-10 02:30:00.123', '2024-03-10 02:30:00.123')");
            }
            SourceRunner r = start(options(), Optional.empty());
            r.context().awaitChanges(e -> e.table().equals(t), 3, Duration.ofSeconds(30));
            for (String[] z : zones) {
                db.execute("SET GLOBAL time_zone = '" + z[0] + "'");
                db.execute("SET SESSION time_zone = '" + z[1] + "'");
                db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (" + (++id)
                        + ", '2024-03-10 02:30:00.123', '2024-03-10 02:30:00.123')");
            }
            r.context().awaitChanges(e -> e.table().equals(t), 6, Duration.ofSeconds(30));
            List<ChangeEvent> events = changes(r, t);
            for (int i = 0; i < 6; i++) {
                ChangeEvent e = events.get(i);
                String sessionZone = zones[i % 3][1];
                Instant expected = LocalDateTime.of(2024, 3, 10, 2, 30, 0, 123_000_000)
                        .toInstant(java.time.ZoneOffset.of(sessionZone));
                assertThat(e.operation()).isEqualTo(i < 3 ? Operation.READ : Operation.CREATE);
                assertThat(e.after().get().get("dt")).as("DATETIME of %s", e)
                        .isEqualTo(LocalDateTime.of(2024, 3, 10, 2, 30, 0, 123_000_000));
                assertThat(e.after().get().get("ts")).as("TIMESTAMP of %s written in session zone %s", e, sessionZone)
                        .isEqualTo(expected);
            }
        } finally {
            db.execute("SET GLOBAL time_zone = '" + globalBefore + "'");
        }
    }
}
