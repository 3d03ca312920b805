package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.testkit.fixture.PrivateMariaDb;
import dev.cdc.testkit.fixture.EsTestIndex;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The launcher jar with a MariaDB of the test's own into Elasticsearch, {@code on-position-lost:
 * heal}: stopped, rows inserted, updated and deleted, the checkpoint's binlog purged; the restart
 * heals (streams from the binlog's end, empties the index with a TRUNCATE and backfills the table)
 * with no manual step, after which the index equals the table, the rows deleted in the lost binlog
 * gone too, and {@code cdc verify} reports EQUAL with no repair.
 */
class MariaDbHealVerifyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 500;

    @TempDir
    Path work;

    @Test
    void aPurgedBinlogHealsAndVerifyFindsTheIndexEqualWithNoRepair() throws Exception {
        Services.requireReachable(Service.ELASTICSEARCH);
        String name = "myheal_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        CdcJar cdc = null;
        try (PrivateMariaDb server = PrivateMariaDb.start(name)) {
            exec(server, "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)",
                    "INSERT INTO " + name + " SELECT seq, 0 FROM seq_1_to_" + ROWS);
            Path yaml = Files.writeString(work.resolve("p.yaml"), """
                    pipeline: %1$s
                    source: {type: mysql, host: 127.0.0.1, port: %2$d, user: cdc, password: cdc, database: test,
                             tables: "%1$s", server-id: 77, on-position-lost: heal}
                    sinks:
                      - {name: search, type: elasticsearch, hosts: ["%3$s"], index: "%1$s"}
                    checkpoint: {type: file, path: "%4$s"}
                    engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                    metrics: {port: %5$d, host: 127.0.0.1}
                    """.formatted(name, server.port(), Services.elasticsearchUrl(), work.resolve("state"),
                    CdcJar.freePort()));
            cdc = CdcJar.start(work, "run1", "run", "--status-interval", "0", yaml.toString());
            awaitIndex(cdc, name, values -> values.size() == ROWS);
            exec(server, "UPDATE " + name + " SET v = 1 WHERE id = 1");
            awaitIndex(cdc, name, values -> values.get(1L) == 1L);
            String checkpointed = JSON.readTree(Files.readString(work.resolve("state/checkpoint.json")))
                    .path("position").path("offsets").path("file").asText();
            stop(cdc);

            exec(server, "UPDATE " + name + " SET v = 2 WHERE id <= 50",
                    "DELETE FROM " + name + " WHERE id > 50 AND id <= 60",
                    "INSERT INTO " + name + " SELECT seq, 3 FROM seq_" + (ROWS + 1) + "_to_" + (ROWS + 20));
            server.purgeBinaryLogsThrough(checkpointed);

            cdc = CdcJar.start(work, "run2", "run", "--status-interval", "0", yaml.toString());
            CdcJar healed = cdc;
            awaitIndex(cdc, name, values -> values.size() == ROWS + 10 && values.get(2L) == 2L
                    && values.get((long) ROWS + 20) == 3L && !values.containsKey(51L));
            assertThat(healed.stderr()).contains("on-position-lost: heal");
            assertThat(SinkOutageIT.esValues(name)).as("the rows deleted in the lost binlog left the index too")
                    .isEqualTo(tableValues(server, name));

            Cli found = Cli.run("verify", yaml.toString(), "--json", "--settle", "300ms");
            assertThat(found.exitCode()).as(found.all()).isEqualTo(ExitCodes.OK);
            JsonNode pair = JSON.readTree(found.out()).path("results").get(0);
            assertThat(List.of(pair.path("missing").asInt(), pair.path("extra").asInt(),
                    pair.path("different").asInt())).as("missing, extra, different: %s", pair)
                    .containsExactly(0, 0, 0);
            Cli plain = Cli.run("verify", yaml.toString(), "--settle", "300ms");
            assertThat(plain.exitCode()).as(plain.all()).isEqualTo(ExitCodes.OK);
            assertThat(plain.out()).contains("EQUAL");
        } finally {
            if (cdc != null) {
                stop(cdc);
            }
            EsTestIndex.deleteAll(name);
        }
    }

    private static void stop(CdcJar cdc) throws InterruptedException {
        if (cdc.process().isAlive()) {
            cdc.process().destroy(); // SIGTERM: drain, checkpoint, exit
            cdc.waitFor(60);
        }
    }

    private static void awaitIndex(CdcJar cdc, String index, java.util.function.Predicate<Map<Long, Long>> ok)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<Long, Long> values = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                values = SinkOutageIT.esValues(index);
                if (ok.test(values)) {
                    return;
                }
            } catch (NullPointerException ignored) {
                // a key not there yet
            }
            if (!cdc.process().isAlive()) {
                break;
            }
            Thread.sleep(300);
        }
        fail("the index did not get there (" + values.size() + " documents); cdc stderr:\n" + cdc.stderr());
    }

    private static Map<Long, Long> tableValues(PrivateMariaDb server, String table) throws Exception {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static void exec(PrivateMariaDb server, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
