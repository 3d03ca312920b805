package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.testkit.fixture.EsTestIndex;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's "done when": a pgbench database, all four tables including {@code pgbench_history},
 * which has no primary key, streams into Elasticsearch and Redis (both {@code on-failure: fail}, so
 * any rejected row would stop the pipeline) while pgbench runs, without stopping: the keyless
 * history is indexed by row hash in both, every table's rows arrive, and the pipeline is still
 * running at the end. The database is the test's own ({@value #DB}).
 */
class PgbenchPipelineIT {

    private static final String DB = "values_pgbench";
    private static final String ADMIN = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/" + DB + "?user=postgres";
    private static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers",
            "pgbench_history");

    @Test
    void aPgbenchDatabaseStreamsIntoElasticsearchAndRedisWithoutStopping() throws Exception {
        Services.requireReachable(Service.POSTGRES);
        Services.requireReachable(Service.ELASTICSEARCH);
        Services.requireReachable(Service.REDIS);
        cleanUp();
        exec(ADMIN, "CREATE DATABASE " + DB);
        pgbench("-i", "-s", "1", "-q");
        Path work = Files.createTempDirectory("pgbench-pipeline");
        Files.writeString(work.resolve("pipeline.yaml"), """
                pipeline: %1$s
                source: {type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/%1$s", user: postgres, slot: %1$s,
                         tables: ["public\\\\.pgbench_.*"], snapshot-parallelism: 2}
                sinks:
                  - {name: es, type: elasticsearch, hosts: ["%2$s"], index: "%1$s_${name}", on-failure: fail,
                     index-settings: {number_of_replicas: 0, refresh_interval: 5s}}
                  - {name: redis, type: redis, uri: "%3$s", mode: hash, key-template: "%1$s:${table}:${key}",
                     metadata-prefix: "%1$s:meta:", on-failure: fail}
                checkpoint: {type: file, path: state}
                """.formatted(DB, Services.elasticsearchUrl(), Services.redisUri()));
        CdcJar cdc = CdcJar.start(work, "cdc", "run", "--status-interval", "0", "pipeline.yaml");
        try {
            await(cdc, "the snapshot", () -> cdc.stderr().contains("streaming from slot"));
            pgbench("-T", "8", "-c", "2", "-j", "1", "-n");
            for (String table : TABLES) {
                long rows = count("SELECT count(*) FROM (SELECT DISTINCT * FROM " + table + ") d");
                await(cdc, table + " in Elasticsearch (" + rows + " distinct rows)", () -> esCount(table) == rows);
                await(cdc, table + " in Redis (" + rows + " distinct rows)", () -> redisCount(table) == rows);
            }
            assertThat(count("SELECT count(*) FROM pgbench_history")).as("pgbench wrote history").isPositive();
            assertThat(cdc.process().isAlive()).as("still running:\n%s", cdc.stderr()).isTrue();
            assertThat(cdc.stderr()).contains("table public.pgbench_history has no primary key")
                    .doesNotContain("FAILED");
        } finally {
            cdc.process().destroy();
            cdc.waitFor(60);
            cleanUp();
        }
    }

    /** The rows of a table in Elasticsearch (its alias), after a refresh. */
    private static long esCount(String table) throws IOException, InterruptedException {
        return EsTestIndex.named(DB + "_" + table).count();
    }

    private static long redisCount(String table) {
        long n = 0;
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, new ScanParams().match(DB + ":public." + table + ":*")
                        .count(5000));
                n += page.getResult().size();
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return n;
    }

    /** What {@link #await} waits for. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(CdcJar cdc, String what, Condition condition) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.holds()) {
            assertThat(cdc.process().isAlive()).as("cdc stopped while waiting for %s:\n%s", what, cdc.stderr()).isTrue();
            assertThat(System.currentTimeMillis()).as("%s in time:\n%s", what, cdc.stderr()).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static void pgbench(String... args) throws Exception {
        String binary = Files.isExecutable(Path.of("/usr/bin/pgbench")) ? "pgbench" : "/usr/lib/postgresql/15/bin/pgbench";
        List<String> command = new java.util.ArrayList<>(List.of(binary, "-h", "127.0.0.1", "-U", "postgres"));
        command.addAll(List.of(args));
        command.add(DB);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("pgbench %s:\n%s", List.of(args), output).isZero();
    }

    private static void cleanUp() throws Exception {
        exec(ADMIN, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + DB
                        + "' AND active_pid IS NOT NULL",
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + DB
                        + "' AND NOT active",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + DB + "'",
                "DROP DATABASE IF EXISTS " + DB);
        for (String table : TABLES) {
            EsTestIndex.deleteAll(DB + "_" + table + "_v");
        }
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, new ScanParams().match(DB + ":*").count(5000));
                if (!page.getResult().isEmpty()) {
                    redis.unlink(page.getResult().toArray(new String[0]));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(String url, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
