package dev.cdc.launcher;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The JDBC sources into Elasticsearch, whose sink maps sort keys to external versions: a snapshot
 * of existing rows, then updates, deletes and a new row, and the index must equal the table
 * (id to {@code v}). The snapshot's versions must sit below every later streamed change of the
 * same row, or Elasticsearch refuses the change as stale (a 409, which the sink counts as
 * written): jdbc-query with a version cursor and with a timestamp cursor (soft deletes) on
 * PostgreSQL, and jdbc-trigger (hard deletes) on PostgreSQL and MariaDB.
 */
class JdbcSourcesElasticsearchIT {

    private static final int ROWS = 50;

    /** A database the test writes to. */
    private record Db(Service service, String url, String user, String password) {
        static Db postgres() {
            return new Db(Service.POSTGRES, Services.postgresJdbcUrl(), Services.postgresUser(),
                    Services.postgresPassword());
        }

        static Db mariadb() {
            return new Db(Service.MARIADB, Services.mariadbJdbcUrl(), Services.mariadbUser(),
                    Services.mariadbPassword());
        }

        /** The source options naming this database and one table. */
        String source(String type, String table) {
            return "source: {type: " + type + ", url: \"" + url + "\", user: \"" + user + "\", password: \""
                    + password + "\", tables: [" + table + "], poll-interval: 50ms,\n";
        }

        Connection connect() throws Exception {
            return DriverManager.getConnection(url, user, password);
        }

        void exec(String... sql) throws Exception {
            try (Connection c = connect(); Statement st = c.createStatement()) {
                for (String s : sql) {
                    st.execute(s);
                }
            }
        }
    }

    @TempDir
    Path work;

    @Test
    void jdbcQueryWithAVersionCursorSnapshotsThenStreamsIntoElasticsearch() throws Exception {
        Db db = Db.postgres();
        String name = name("jqes_ver_");
        String seq = "nextval('" + name + "_seq')";
        try {
            db.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL, deleted boolean NOT NULL"
                            + " DEFAULT false)", "CREATE SEQUENCE " + name + "_seq START WITH " + (ROWS + 1),
                    "INSERT INTO " + name + " (id, v) SELECT g, g FROM generate_series(1, " + ROWS + ") g");
            run(db, name, db.source("jdbc-query", "public." + name)
                    + "  version-column: v, soft-delete-column: deleted, safety-window: 300ms}\n", () -> db.exec(
                    "UPDATE " + name + " SET v = " + seq + " WHERE id % 3 = 0",
                    "UPDATE " + name + " SET v = " + seq + ", deleted = true WHERE id % 5 = 0",
                    "INSERT INTO " + name + " (id, v) VALUES (" + (ROWS + 1) + ", " + seq + ")"));
        } finally {
            db.exec("DROP TABLE IF EXISTS " + name, "DROP SEQUENCE IF EXISTS " + name + "_seq");
        }
    }

    @Test
    void jdbcQueryWithATimestampCursorSnapshotsThenStreamsIntoElasticsearch() throws Exception {
        Db db = Db.postgres();
        String name = name("jqes_ts_");
        String now = "updated_at = clock_timestamp()";
        try {
            db.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL, deleted boolean NOT NULL"
                            + " DEFAULT false, updated_at timestamp NOT NULL)",
                    "INSERT INTO " + name + " (id, v, updated_at) SELECT g, g, clock_timestamp() - interval '1 minute'"
                            + " FROM generate_series(1, " + ROWS + ") g");
            run(db, name, db.source("jdbc-query", "public." + name)
                    + "  timestamp-column: updated_at, soft-delete-column: deleted, safety-window: 300ms}\n",
                    () -> db.exec("UPDATE " + name + " SET v = v + 1000, " + now + " WHERE id % 3 = 0",
                            "UPDATE " + name + " SET v = v + 2000, deleted = true, " + now + " WHERE id % 5 = 0",
                            "INSERT INTO " + name + " (id, v, updated_at) VALUES (" + (ROWS + 1)
                                    + ", 1, clock_timestamp())"));
        } finally {
            db.exec("DROP TABLE IF EXISTS " + name);
        }
    }

    /** PostgreSQL: the change log read in batches of finished transactions (HorizonReader). */
    @Test
    void jdbcTriggerOnPostgresSnapshotsThenStreamsIntoElasticsearch() throws Exception {
        String name = name("jtes_");
        trigger(Db.postgres(), name, "public", "SELECT g, g FROM generate_series(1, " + ROWS + ") g",
                "DROP FUNCTION IF EXISTS cl_" + name + "_capture() CASCADE", "DROP TABLE IF EXISTS cl_" + name,
                "DROP TABLE IF EXISTS cl_" + name + "_batches");
    }

    /** MariaDB: the change log read strictly in id order (GapReader). */
    @Test
    void jdbcTriggerOnMariaDbSnapshotsThenStreamsIntoElasticsearch() throws Exception {
        String name = name("jtes_my_");
        trigger(Db.mariadb(), name, "test", "SELECT seq, seq FROM seq_1_to_" + ROWS,
                "DROP TABLE IF EXISTS cl_" + name); // the table's triggers go with it
    }

    /** A table of {@code rows}, snapshotted, then updated, deleted from and added to; {@code drops} after. */
    private void trigger(Db db, String name, String schema, String rows, String... drops) throws Exception {
        try {
            db.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                    "INSERT INTO " + name + " " + rows);
            run(db, name, db.source("jdbc-trigger", schema + "." + name) + "  change-log: cl_" + name + "}\n",
                    () -> db.exec("UPDATE " + name + " SET v = v + 1000 WHERE id % 3 = 0",
                            "DELETE FROM " + name + " WHERE id % 5 = 0",
                            "INSERT INTO " + name + " VALUES (" + (ROWS + 1) + ", 1)"));
        } finally {
            db.exec("DROP TABLE IF EXISTS " + name);
            db.exec(drops);
        }
    }

    /** Runs the pipeline: the snapshot into the index, then the changes, then the index must equal the table. */
    private void run(Db db, String name, String source, Changes changes) throws Exception {
        Services.requireReachable(db.service());
        Services.requireReachable(Service.ELASTICSEARCH);
        Pipeline pipeline = Pipeline.fromYaml("pipeline: " + name + "\n" + source + """
                sinks:
                  - {name: search, type: elasticsearch, hosts: ["%s"], index: "%s",
                     index-settings: {number_of_replicas: 0, refresh_interval: 1s}}
                checkpoint: {type: file, path: "%s"}
                engine: {checkpoint-interval: 100ms, flush-interval: 20ms}
                """.formatted(Services.elasticsearchUrl(), name, work.resolve("state")), name + ".yaml");
        try {
            pipeline.start();
            Map<Long, Long> before = tableValues(db, name);
            await(pipeline, "the snapshot in the index", () -> values(name).equals(before));
            changes.make();
            // the new row is polled (or logged) after every other change
            await(pipeline, "the new row in the index", () -> values(name).containsKey((long) ROWS + 1));
            Thread.sleep(1_500);
            Map<Long, Long> table = tableValues(db, name);
            assertThat(values(name)).as("the index %s (id to v) after the snapshot and the changes; the pipeline is %s",
                    name, pipeline.status()).isEqualTo(table);
            assertThat(table).as("rows left").hasSizeLessThan(ROWS);
        } finally {
            pipeline.stop();
            pipeline.awaitTermination(Duration.ofSeconds(30));
            EsTestIndex.deleteAll(name);
        }
    }

    /** What the test changes in the table once the snapshot is in the index. */
    @FunctionalInterface
    private interface Changes {
        void make() throws Exception;
    }

    private static Map<Long, Long> values(String index) throws Exception {
        return exists(index) ? SinkOutageIT.esValues(index) : Map.of();
    }

    private static boolean exists(String index) throws Exception {
        return !EsTestIndex.request("GET", "/" + index, null).has("error");
    }

    private static void await(Pipeline p, String what, SinkOutageIT.Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.holds()) {
            if (p.state().isTerminal() || System.nanoTime() > deadline) {
                fail("waiting for " + what + ": pipeline " + p.state() + " " + p.status());
            }
            Thread.sleep(250);
        }
    }

    private static String name(String prefix) {
        return prefix + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
    }

    /** The table's live rows (not soft-deleted), id to v. */
    private static Map<Long, Long> tableValues(Db db, String table) throws Exception {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
            boolean soft = rs.getMetaData().getColumnCount() > 2;
            while (rs.next()) {
                if (!soft || !rs.getBoolean("deleted")) {
                    out.put(rs.getLong("id"), rs.getLong("v"));
                }
            }
        }
        return out;
    }
}
