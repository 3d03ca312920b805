package dev.cdc.launcher;

import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.core.backfill.BackfillState;
import dev.cdc.core.backfill.BackfillStatus;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.testkit.fixture.EsTestIndex;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A MariaDB table backfilled into an empty Elasticsearch index by the engine while a writer
 * updates (each update raises the row's {@code v}), deletes and re-inserts its rows: the
 * source streams from the binlog's end (no snapshot), so every row of the index came either from
 * the stream or from a backfill chunk between watermarks. The index ends equal to the table,
 * version by version: a backfilled row that replaced a newer streamed one would leave an older
 * {@code v} behind for every row the writer did not touch again.
 */
class MariaDbBackfillElasticsearchIT {

    private static final int ROWS = Integer.getInteger("backfill.rows", 8_000);

    @TempDir
    Path work;

    @Test
    void aBackfillUnderAWriterLeavesTheIndexEqualToTheTable() throws Exception {
        Services.requireReachable(Service.MARIADB);
        Services.requireReachable(Service.ELASTICSEARCH);
        String name = "mybf_es_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        exec("CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, note VARCHAR(20))",
                "INSERT INTO " + name + " SELECT seq, 0, 'init' FROM seq_1_to_" + ROWS);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> write(name, writing, writes), "writer");
        Pipeline pipeline = null;
        try {
            pipeline = Pipeline.fromYaml(yaml(name), "backfill.yaml");
            pipeline.start();
            Pipeline p = pipeline;
            writer.start();
            Thread.sleep(500);
            long t0 = System.nanoTime();
            p.backfills().request(BackfillRequest.table("es-" + name, TableId.of("test", name)));
            SinkOutageIT.await(p, "the backfill done", () -> state(p, "es-" + name) == BackfillState.DONE);
            double seconds = (System.nanoTime() - t0) / 1e9;
            writing.set(false);
            writer.join();
            BackfillStatus s = p.backfills().status("es-" + name).orElseThrow();
            System.out.printf("backfill of %d rows (estimated %d) in %.1f s under %d writes%n", s.rows(),
                    s.rowsEstimated(), seconds, writes.get());
            assertThat(writes.get()).as("writes during the backfill").isGreaterThan(100);
            assertThat(s.rows()).as("rows backfilled").isGreaterThan(ROWS / 2);
            SinkOutageIT.await(p, "the index equal to the table", () -> SinkOutageIT.esValues(name).equals(tableValues(name)));
            assertThat(SinkOutageIT.esValues(name)).isEqualTo(tableValues(name));
        } finally {
            writing.set(false);
            if (writer.isAlive()) {
                writer.join();
            }
            if (pipeline != null) {
                pipeline.stop();
                pipeline.awaitTermination(Duration.ofSeconds(30));
            }
            EsTestIndex.deleteAll(name);
            exec("DROP TABLE IF EXISTS " + name);
        }
    }

    private String yaml(String name) {
        return """
                pipeline: %1$s
                source: {type: mysql, host: 127.0.0.1, port: 3306, user: cdc, password: cdc, database: test,
                         tables: "%1$s", server-id: %2$d, snapshot-mode: never, backfill-chunk-size: 500}
                sinks:
                  - {name: search, type: elasticsearch, hosts: ["%3$s"], index: "%1$s",
                     index-settings: {number_of_replicas: 0, refresh_interval: 1s}}
                checkpoint: {type: file, path: "%4$s"}
                engine: {checkpoint-interval: 100ms, flush-interval: 20ms}
                """.formatted(name, 4_000_000 + ThreadLocalRandom.current().nextInt(1_000_000),
                Services.elasticsearchUrl(), work.resolve("state"));
    }

    private static BackfillState state(Pipeline p, String id) {
        BackfillStatus s = p.backfills().status(id).orElseThrow();
        if (s.state() == BackfillState.FAILED) {
            fail("the backfill failed: " + s.error().orElse("?"));
        }
        return s.state();
    }

    /** Updates (v + 1), deletes and re-inserts random rows until told to stop. */
    private static void write(String table, AtomicBoolean writing, AtomicLong writes) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (writing.get()) {
                long id = 1 + random.nextLong(ROWS);
                int what = random.nextInt(10);
                if (what < 7) {
                    st.executeUpdate("UPDATE " + table + " SET v = v + 1 WHERE id = " + id);
                } else if (what < 9) {
                    st.executeUpdate("DELETE FROM " + table + " WHERE id = " + id);
                } else {
                    st.executeUpdate("INSERT IGNORE INTO " + table + " VALUES (" + id + ", 1000, 're')");
                }
                writes.incrementAndGet();
                if (what == 0) {
                    Thread.sleep(1);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("the writer failed", e);
        }
    }

    private static Map<Long, Long> tableValues(String table) throws Exception {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(Services.mariadbJdbcUrl(), Services.mariadbUser(), Services.mariadbPassword());
    }

    private static void exec(String... sql) throws Exception {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
