package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The launcher jar with jdbc-trigger and jdbc-query on the real PostgreSQL, into a file, killed
 * with SIGKILL mid-snapshot and mid-stream while writers commit out of order: at every kill the
 * checkpoint is an event the file holds (never ahead of the sink), and after the restarts the
 * file's latest state of every row equals the table (nothing lost).
 */
class JdbcSourceKillIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 60_000;

    @TempDir
    Path work;

    @Test
    void jdbcTriggerKilledMidSnapshotAndMidStreamLosesNothing() throws Exception {
        String table = "jdbc_kill_t_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        run(table, """
                source: {type: jdbc-trigger, url: "%s", user: postgres, tables: [public.%s], change-log: cl_%s,
                         snapshot-chunk-size: 1000, snapshot-parallelism: 1, poll-interval: 50ms}
                """.formatted(PostgresPipelineIT.URL, table, table), "cl_" + table, false);
    }

    @Test
    void jdbcQueryKilledMidSnapshotAndMidStreamLosesNothing() throws Exception {
        String table = "jdbc_kill_q_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        run(table, """
                source: {type: jdbc-query, url: "%s", user: postgres, tables: [public.%s], timestamp-column: updated_at,
                         soft-delete-column: deleted, safety-window: 1s, snapshot-chunk-size: 1000,
                         snapshot-parallelism: 1, poll-interval: 50ms}
                """.formatted(PostgresPipelineIT.URL, table), null, true);
    }

    private void run(String table, String source, String changeLog, boolean softDeletes) throws Exception {
        PostgresPipelineIT.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v text NOT NULL,"
                        + " updated_at timestamp(6) NOT NULL DEFAULT clock_timestamp(), deleted boolean NOT NULL DEFAULT false)",
                // rows older than the safety window, so jdbc-query's snapshot (not its polling) reads them
                "INSERT INTO " + table + " (id, v, updated_at) SELECT g, md5(g::text), now() - interval '1 hour'"
                        + " FROM generate_series(1, " + ROWS + ") g");
        Path yaml = Files.writeString(work.resolve("p.yaml"), "pipeline: jdbc-kill\n" + source + """
                sinks:
                  - {name: archive, type: file, path: out/p.jsonl}
                checkpoint: {type: file, path: state}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                """);
        Path out = work.resolve("out/p.jsonl");
        Path state = work.resolve("state");
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(table, writing, softDeletes), "writer");
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
            Map<Long, String> expected = tableState(table);
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
            for (CdcJar c : runs) {
                if (c != null) {
                    c.process().destroyForcibly().waitFor();
                }
            }
            PostgresPipelineIT.exec("DROP TABLE IF EXISTS " + table);
            if (changeLog != null) {
                PostgresPipelineIT.exec("DROP TABLE IF EXISTS " + changeLog, "DROP TABLE IF EXISTS " + changeLog
                        + "_batches", "DROP FUNCTION IF EXISTS " + changeLog + "_capture() CASCADE");
            }
        }
    }

    /** Updates, inserts and deletes (soft: deleted = true) in small transactions that commit after a random pause. */
    private static void write(String table, AtomicBoolean writing, boolean softDeletes) {
        try (Connection c = DriverManager.getConnection(PostgresPipelineIT.URL, "postgres", "")) {
            c.setAutoCommit(false);
            ThreadLocalRandom r = ThreadLocalRandom.current();
            long next = ROWS + 1;
            while (writing.get()) {
                try (Statement st = c.createStatement()) {
                    long id = r.nextLong(1, ROWS);
                    st.execute("UPDATE " + table + " SET v = 'u" + r.nextInt() + "', updated_at = clock_timestamp()"
                            + " WHERE id = " + id);
                    st.execute("INSERT INTO " + table + " (id, v) VALUES (" + next++ + ", 'new')");
                    if (r.nextInt(5) == 0) {
                        st.execute(softDeletes ? "UPDATE " + table + " SET deleted = true, updated_at = clock_timestamp()"
                                + " WHERE id = " + r.nextLong(1, ROWS) : "DELETE FROM " + table + " WHERE id = "
                                + r.nextLong(1, ROWS));
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

    /** The checkpoint is the position of an event the file holds: it never runs ahead of the sink. */
    private static void assertCheckpointInFile(Path state, Path out) throws Exception {
        JsonNode c = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
        String sortKey = c.path("position").path("sort_key").asText();
        List<JsonNode> events = CdcJar.jsonLines(out);
        assertThat(events).as("the checkpoint %s is an event in the file", c)
                .anyMatch(e -> e.path("source").path("sort_key").asText().equals(sortKey));
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

    private static Map<Long, String> tableState(String table) throws Exception {
        Map<Long, String> state = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(PostgresPipelineIT.URL, "postgres", "");
             PreparedStatement st = c.prepareStatement("SELECT id, v FROM " + table + " WHERE NOT deleted"); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                state.put(rs.getLong(1), rs.getString(2));
            }
        }
        return state;
    }
}
