package dev.cdc.source.mysql;

import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.PrivateMariaDb;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A restarted server, a server-id clash (a purged checkpoint: PositionLostIT). */
class FailuresIT extends MariaDbFixture {

    /**
     * On a MariaDB of the test's own (the shared one is never restarted): a clean restart, then a
     * crash (SIGKILL), mid-stream, the two further apart than reconnect-timeout; every row arrives
     * once, in order.
     */
    @Test
    void mariaDbRestartedAndKilledMidStreamLosesNothing() throws Exception {
        try (PrivateMariaDb server = PrivateMariaDb.start("restart-" + target.name())) {
            String t = target.name("restart");
            execOn(server, "CREATE TABLE " + t + " (id INT PRIMARY KEY, v INT)");
            Map<String, Object> o = options();
            o.put("port", server.port());
            o.put("user", server.user());
            o.put("password", server.password());
            o.put("reconnect-timeout", "5s");
            SourceRunner r = start(o, Optional.empty());
            TableId id = TableId.of("test", t);
            int next = 1;
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 20; i++, next++) {
                    execOn(server, "INSERT INTO " + t + " VALUES (" + next + ", 0)");
                }
                if (round == 0) {
                    server.restart();
                } else {
                    server.kill();
                    Thread.sleep(1000);
                    server.start();
                }
                for (int i = 0; i < 20; i++, next++) {
                    execOn(server, "INSERT INTO " + t + " VALUES (" + next + ", 0)");
                }
                r.context().awaitChanges(e -> e.table().equals(id), next - 1, Duration.ofSeconds(90));
                Thread.sleep(6000); // the next outage starts more than reconnect-timeout after this one
            }
            List<Object> ids = changes(r, id).stream().map(e -> e.key().get("id")).toList();
            assertThat(ids).as("every row once, in order, across the restart and the crash").hasSize(next - 1);
            for (int i = 0; i < ids.size(); i++) {
                assertThat(ids.get(i)).isEqualTo(i + 1);
            }
            assertThat(r.failure()).isEmpty();
        }
    }

    private static void execOn(PrivateMariaDb server, String sql) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void aSecondClientWithTheSameServerIdGivesOneClearError() throws Exception {
        table("clash", "id INT PRIMARY KEY");
        Map<String, Object> o = options();
        Map<String, Object> never = new HashMap<>(o);
        never.put("snapshot-mode", "never");
        SourceRunner first = start(never, Optional.empty());
        Thread.sleep(500);
        SourceRunner second = start(never, Optional.empty());
        long deadline = System.currentTimeMillis() + 20_000;
        while (first.failure().isEmpty() && second.failure().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(3000); // no flapping: the other one keeps running
        List<SourceRunner> failed = List.of(first, second).stream().filter(x -> x.failure().isPresent()).toList();
        assertThat(failed).as("exactly one of the two clients fails").hasSize(1);
        assertThat(failed.get(0).failure().get()).hasMessageContaining("server-id " + o.get("server-id"))
                .hasMessageContaining("own server-id");
        assertThat(List.of(first, second).stream().filter(SourceRunner::isRunning).count()).isEqualTo(1);
    }
}
