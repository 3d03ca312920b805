package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The launcher jar with jdbc-trigger and jdbc-query on the real PostgreSQL and MariaDB and on an
 * H2 file database (hosted by this test's JVM with {@code AUTO_SERVER=TRUE}, so the killed process
 * is only the pipeline), into a file, killed with SIGKILL mid-snapshot and mid-stream while
 * writers commit out of order: at every kill the checkpoint is an event the file holds (never
 * ahead of the sink), and after the restarts the file's latest state of every row equals the
 * table (nothing lost).
 */
class JdbcSourceKillIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 60_000;

    @TempDir
    Path work;

    /** One database: its URL, SQL dialect for the test's own statements, and namespace. */
    enum Db {
        POSTGRES("public", "\""), MARIADB("test", "`"), H2("PUBLIC", "\"");

        final String namespace;
        final String quote;

        Db(String namespace, String quote) {
            this.namespace = namespace;
            this.quote = quote;
        }

        String url(Path work) {
            return switch (this) {
                case POSTGRES -> PostgresPipelineIT.URL;
                case MARIADB -> Services.mariadbJdbcUrl();
                case H2 -> "jdbc:h2:file:" + work.resolve("h2/kill").toAbsolutePath() + ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000";
            };
        }

        String user() {
            return switch (this) {
                case POSTGRES -> "postgres";
                case MARIADB -> Services.mariadbUser();
                case H2 -> "sa";
            };
        }

        String password() {
            return this == MARIADB ? Services.mariadbPassword() : "";
        }

        String q(String identifier) {
            return quote + identifier + quote;
        }

        String now() {
            return switch (this) {
                case POSTGRES -> "clock_timestamp()";
                case MARIADB -> "NOW(6)";
                case H2 -> "LOCALTIMESTAMP(6)";
            };
        }

        List<String> create(String t) {
            String columns = " (" + q("id") + " BIGINT PRIMARY KEY, " + q("v") + " VARCHAR(64) NOT NULL, " + q("updated_at")
                    + (this == MARIADB ? " DATETIME(6)" : " TIMESTAMP(6)") + " DEFAULT " + now() + " NOT NULL, "
                    + q("deleted") + " BOOLEAN DEFAULT FALSE NOT NULL)";
            String insert = "INSERT INTO " + q(t) + " (" + q("id") + ", " + q("v") + ", " + q("updated_at") + ") ";
            // rows older than the safety window, so jdbc-query's snapshot (not its polling) reads them
            return List.of("CREATE TABLE " + q(t) + columns, switch (this) {
                case POSTGRES -> insert + "SELECT g, md5(g::text), now() - interval '1 hour' FROM generate_series(1, "
                        + ROWS + ") g";
                case MARIADB -> insert + "SELECT seq, MD5(seq), NOW(6) - INTERVAL 1 HOUR FROM seq_1_to_" + ROWS;
                case H2 -> insert + "SELECT X, CAST(X AS VARCHAR), DATEADD(HOUR, -1, LOCALTIMESTAMP(6))"
                        + " FROM SYSTEM_RANGE(1, " + ROWS + ")";
            });
        }

        List<String> drop(String t, String changeLog) {
            List<String> out = new ArrayList<>(List.of("DROP TABLE IF EXISTS " + q(t)));
            if (changeLog != null) {
                out.add("DROP TABLE IF EXISTS " + q(changeLog));
                if (this == POSTGRES) {
                    out.addAll(List.of("DROP TABLE IF EXISTS " + changeLog + "_batches",
                            "DROP FUNCTION IF EXISTS " + changeLog + "_capture() CASCADE"));
                }
            }
            return out;
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void jdbcTriggerKilledMidSnapshotAndMidStreamLosesNothing(Db db) throws Exception {
        String table = "jdbc_kill_t_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        run(db, table, """
                source: {type: jdbc-trigger, url: "%s", user: "%s", password: "%s", tables: [%s.%s], change-log: cl_%s,
                         snapshot-chunk-size: 1000, snapshot-parallelism: 1, poll-interval: 50ms}
                """.formatted(db.url(work), db.user(), db.password(), db.namespace, table, table), "cl_" + table, false);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void jdbcQueryKilledMidSnapshotAndMidStreamLosesNothing(Db db) throws Exception {
        String table = "jdbc_kill_q_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        run(db, table, """
                source: {type: jdbc-query, url: "%s", user: "%s", password: "%s", tables: [%s.%s],
                         timestamp-column: updated_at, soft-delete-column: deleted, safety-window: 1s,
                         snapshot-chunk-size: 1000, snapshot-parallelism: 1, poll-interval: 50ms}
                """.formatted(db.url(work), db.user(), db.password(), db.namespace, table), null, true);
    }

    private Connection connect(Db db) throws SQLException {
        return DriverManager.getConnection(db.url(work), db.user(), db.password());
    }

    private void exec(Db db, List<String> sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private void run(Db db, String table, String source, String changeLog, boolean softDeletes) throws Exception {
        // H2: this JVM opens the database first and keeps it open, so it hosts it for the pipeline's processes
        Connection host = db == Db.H2 ? connect(db) : null;
        exec(db, db.create(table));
        Path yaml = Files.writeString(work.resolve("p.yaml"), "pipeline: jdbc-kill\n" + source + """
                sinks:
                  - {name: archive, type: file, path: out/p.jsonl}
                checkpoint: {type: file, path: state}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                """);
        Path out = work.resolve("out/p.jsonl");
        Path state = work.resolve("state");
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(db, table, writing, softDeletes), "writer");
        CdcJar[] runs = new CdcJar[3];
        try {
            runs[0] = CdcJar.start(work, "run1", "run", "--status-interval", "0", yaml.toString());
            JsonNode atKill = awaitCheckpoint(runs[0], state, o -> "true".equals(o.path("snapshot").asText())
                    && o.path("t.0.key.0").asLong() > 5_000);
            writer.start();
            runs[0].process().destroyForcibly().waitFor(); // SIGKILL mid-snapshot
            assertCheckpointInFile(state, out);

            runs[1] = CdcJar.start(work, "run2", "run", "--status-interval", "0", yaml.toString());
            awaitCheckpoint(runs[1], state, o -> !o.has("snapshot"));
            Thread.sleep(ThreadLocalRandom.current().nextLong(300, 1500));
            runs[1].process().destroyForcibly().waitFor(); // SIGKILL mid-stream, writers still writing
            assertCheckpointInFile(state, out);

            runs[2] = CdcJar.start(work, "run3", "run", "--status-interval", "0", yaml.toString());
            Thread.sleep(1_000);
            writing.set(false);
            writer.join();
            Map<Long, String> expected = tableState(db, table);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            Map<Long, String> got = fileState(out);
            while (!got.equals(expected)) {
                if (!runs[2].process().isAlive() || System.nanoTime() > deadline) {
                    Map<Long, String> diff = new TreeMap<>(expected);
                    diff.entrySet().removeIf(e -> e.getValue().equals(got.get(e.getKey())));
                    got.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> diff.put(k, "(not in the table)"));
                    fail(diff.size() + " rows differ, e.g. " + diff.entrySet().stream().limit(5).toList() + " (first"
                            + " checkpoint at the kill: " + atKill + ")\n" + runs[2].stderr());
                }
                Thread.sleep(500);
                got.clear();
                got.putAll(fileState(out));
            }
        } finally {
            writing.set(false);
            writer.join();
            for (CdcJar c : runs) {
                if (c != null) {
                    c.process().destroyForcibly().waitFor();
                }
            }
            exec(db, db.drop(table, changeLog));
            if (host != null) {
                host.close();
            }
        }
    }

    /** Updates, inserts and deletes (soft: deleted = true) in small transactions that commit after a random pause. */
    private void write(Db db, String table, AtomicBoolean writing, boolean softDeletes) {
        String t = db.q(table);
        try (Connection c = connect(db)) {
            c.setAutoCommit(false);
            ThreadLocalRandom r = ThreadLocalRandom.current();
            long next = ROWS + 1;
            while (writing.get()) {
                try (Statement st = c.createStatement()) {
                    long id = r.nextLong(1, ROWS);
                    st.execute("UPDATE " + t + " SET " + db.q("v") + " = 'u" + r.nextInt() + "', " + db.q("updated_at")
                            + " = " + db.now() + " WHERE " + db.q("id") + " = " + id);
                    st.execute("INSERT INTO " + t + " (" + db.q("id") + ", " + db.q("v") + ") VALUES (" + next++ + ", 'new')");
                    if (r.nextInt(5) == 0) {
                        st.execute(softDeletes ? "UPDATE " + t + " SET " + db.q("deleted") + " = TRUE, " + db.q("updated_at")
                                + " = " + db.now() + " WHERE " + db.q("id") + " = " + r.nextLong(1, ROWS)
                                : "DELETE FROM " + t + " WHERE " + db.q("id") + " = " + r.nextLong(1, ROWS));
                    }
                }
                Thread.sleep(r.nextInt(20));
                c.commit();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode awaitCheckpoint(CdcJar cdc, Path state, Predicate<JsonNode> offsets) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                JsonNode c = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
                if (offsets.test(c.path("position").path("offsets"))) {
                    return c;
                }
            } catch (NoSuchFileException | com.fasterxml.jackson.core.JsonProcessingException e) {
                // not yet
            }
            if (!cdc.process().isAlive() || System.nanoTime() > deadline) {
                cdc.process().destroyForcibly().waitFor();
                fail("no such checkpoint within 90 s:\n" + cdc.stderr());
            }
            Thread.sleep(5);
        }
    }

    /**
     * The checkpoint is the position of an event the file holds: it never runs ahead of the sink.
     * Offsets and sort key both: a jdbc-query snapshot's reads share one sort key.
     */
    private static void assertCheckpointInFile(Path state, Path out) throws Exception {
        JsonNode c = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
        String sortKey = c.path("position").path("sort_key").asText();
        JsonNode offsets = c.path("position").path("offsets");
        List<JsonNode> events = CdcJar.jsonLines(out);
        assertThat(events).as("the checkpoint %s is an event in the file", c)
                .anyMatch(e -> e.path("source").path("sort_key").asText().equals(sortKey)
                        && e.path("source").path("position").equals(offsets));
    }

    /** The latest state of each row in the file (in file order; a delete removes it). */
    private static Map<Long, String> fileState(Path out) throws Exception {
        Map<Long, String> state = new TreeMap<>();
        for (JsonNode e : CdcJar.jsonLines(out)) {
            String op = e.path("op").asText();
            if (op.equals("d")) {
                state.remove(e.path("key").path("id").asLong());
            } else if (!op.equals("schema")) {
                state.put(e.path("key").path("id").asLong(), e.path("after").path("v").asText());
            }
        }
        return state;
    }

    private Map<Long, String> tableState(Db db, String table) throws Exception {
        Map<Long, String> state = new TreeMap<>();
        try (Connection c = connect(db); PreparedStatement st = c.prepareStatement("SELECT " + db.q("id") + ", "
                + db.q("v") + " FROM " + db.q(table) + " WHERE NOT " + db.q("deleted")); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                state.put(rs.getLong(1), rs.getString(2));
            }
        }
        return state;
    }
}
