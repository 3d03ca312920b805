package dev.cdc.launcher;

import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cdc backfill --wait} against a running {@code cdc run} of the JDBC sources: jdbc-trigger on
 * PostgreSQL and jdbc-query on MariaDB, each with a Redis sink whose keys were deleted and changed
 * behind the pipeline's back; the backfill (through the engine's checkpoints: jdbc-query reports a
 * chunk once a checkpoint covers it) ends done and Redis equal to the table.
 */
class JdbcBackfillCommandIT {

    private static final int ROWS = 1000;

    @TempDir
    Path work;

    @Test
    void aJdbcTriggerBackfillRepairsRedis() throws Exception {
        Services.requireReachable(Service.POSTGRES);
        Services.requireReachable(Service.REDIS);
        String name = "jbf_trg_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        String url = Services.postgresJdbcUrl();
        try {
            exec(url, Services.postgresUser(), Services.postgresPassword(),
                    "CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                    "INSERT INTO " + name + " SELECT g, g FROM generate_series(1, " + ROWS + ") g");
            repairs(name, """
                    source: {type: jdbc-trigger, url: "%s", user: "%s", password: "%s", tables: [public.%s],
                             change-log: cl_%s, poll-interval: 50ms, backfill-chunk-size: 100}
                    """.formatted(url, Services.postgresUser(), Services.postgresPassword(), name, name), "public",
                    url, Services.postgresUser(), Services.postgresPassword());
        } finally {
            exec(url, Services.postgresUser(), Services.postgresPassword(), "DROP TABLE IF EXISTS " + name,
                    "DROP FUNCTION IF EXISTS cl_" + name + "_capture() CASCADE", "DROP TABLE IF EXISTS cl_" + name,
                    "DROP TABLE IF EXISTS cl_" + name + "_batches");
            cleanRedis(name);
        }
    }

    @Test
    void aJdbcQueryBackfillRepairsRedis() throws Exception {
        Services.requireReachable(Service.MARIADB);
        Services.requireReachable(Service.REDIS);
        String name = "jbf_qry_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        String url = Services.mariadbJdbcUrl();
        try {
            exec(url, Services.mariadbUser(), Services.mariadbPassword(),
                    "CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL, updated_at DATETIME(6) NOT NULL"
                            + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                    "INSERT INTO " + name + " (id, v) SELECT seq, seq FROM seq_1_to_" + ROWS);
            Thread.sleep(1_200); // older than the safety window: the snapshot reads them
            repairs(name, """
                    source: {type: jdbc-query, url: "%s", user: "%s", password: "%s", tables: [test.%s],
                             timestamp-column: updated_at, safety-window: 1s, poll-interval: 50ms,
                             backfill-chunk-size: 100}
                    """.formatted(url, Services.mariadbUser(), Services.mariadbPassword(), name), "test",
                    url, Services.mariadbUser(), Services.mariadbPassword());
        } finally {
            exec(url, Services.mariadbUser(), Services.mariadbPassword(), "DROP TABLE IF EXISTS " + name);
            cleanRedis(name);
        }
    }

    private void repairs(String name, String source, String namespace, String url, String user, String password)
            throws Exception {
        int port = CdcJar.freePort();
        Path yaml = work.resolve(name + ".yaml");
        Files.writeString(yaml, "pipeline: " + name + "\n" + source + """
                sinks:
                  - {name: cache, type: redis, uri: "%s", mode: hash, key-template: "%s:${key}",
                     metadata-prefix: "%s:meta:"}
                checkpoint: {type: file, path: ./state}
                engine: {checkpoint-interval: 100ms, flush-interval: 20ms}
                metrics: {port: %d}
                """.formatted(Services.redisUri(), name, name, port));
        CdcJar run = CdcJar.start(work, "run", "run", yaml.getFileName().toString(), "--status-interval", "0");
        try {
            Map<Long, Long> table = tableValues(url, user, password, name);
            BackfillCommandIT.await(run, "the snapshot in Redis", () -> BackfillCommandIT.redisValues(name).equals(table));
            try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
                for (long id = 1; id <= 20; id++) {
                    redis.del(name + ":" + id);
                    redis.hset(name + ":" + (500 + id), "v", "-7");
                }
            }
            assertThat(BackfillCommandIT.redisValues(name)).isNotEqualTo(table);
            CdcJar bf = CdcJar.start(work, "backfill", "backfill", yaml.getFileName().toString(), "--table",
                    namespace + "." + name, "--id", "repair", "--wait");
            assertThat(bf.waitFor(180)).as(bf.stderr() + run.stderr()).isEqualTo(ExitCodes.OK);
            assertThat(bf.stdout()).contains("repair " + namespace + "." + name + " -> every sink: done, " + ROWS);
            BackfillCommandIT.await(run, "Redis equal to the table", () -> BackfillCommandIT.redisValues(name).equals(table));
        } finally {
            run.process().destroy();
            run.waitFor(60);
        }
    }

    private static void exec(String url, String user, String password, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static Map<Long, Long> tableValues(String url, String user, String password, String table)
            throws SQLException {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static void cleanRedis(String name) {
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            for (String key : redis.keys(name + ":*")) {
                redis.del(key);
            }
        }
    }
}
