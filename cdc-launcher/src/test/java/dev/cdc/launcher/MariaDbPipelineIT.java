package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The launcher jar running MariaDB (snapshot, then the row binlog) into a file with a file
 * checkpoint while a writer commits transactions of 100 row changes (inserts, updates, deletes);
 * kill -9 at three points in turn, each followed by a restart of the same pipeline: with the
 * checkpoint inside a transaction (handed over in parts of 20), right after a checkpoint was
 * saved, and at a random moment. At each kill every event at or before the checkpoint's sort
 * key is already in the file (the checkpoint never ran ahead of the sink); in the end every
 * committed change is in the file and the file's final state equals the table, row by row.
 * Its MariaDB helpers are shared with {@link MariaDbSnapshotKillIT}.
 */
class MariaDbPipelineIT {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int TX_SIZE = 100;

    @TempDir
    Path work;

    @Test
    void killedAtThreePointsThenRestartedLosesNothingAndTheCheckpointNeverRanAhead() throws Exception {
        Services.requireReachable(Service.MARIADB);
        String table = "myops_pipe_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        exec("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, note VARCHAR(20))",
                "INSERT INTO " + table + " SELECT seq, seq, 'init' FROM seq_1_to_2000");
        Writer writer = new Writer(table, 2000);
        Thread writerThread = new Thread(writer, "writer");
        List<CdcJar> runs = new ArrayList<>();
        try {
            Path yaml = Files.writeString(work.resolve("maria.yaml"), yaml(table, "max-batch: 20"));
            Path out = work.resolve("out/maria.jsonl");
            Path state = work.resolve("state");
            CdcJar run = start(runs, yaml);
            // the writer starts once the snapshot was delivered, so each of its changes is streamed
            awaitCheckpoint(run, state, c -> "last".equals(c.path("position").path("offsets").path("snapshot").asText()));
            writerThread.start();
            awaitCheckpoint(run, state, c -> !isSnapshot(c));

            List<Kill> kills = new ArrayList<>();
            // 1: the checkpoint inside a transaction (rows 20, 40, 60 or 80 of 100 delivered)
            awaitCheckpoint(run, state, c -> !isSnapshot(c) && row(c) % TX_SIZE != 0);
            kills.add(kill(run, state, out, "checkpoint mid-transaction"));
            run = start(runs, yaml);
            // 2: right after a checkpoint was saved, once the restarted run made progress of its own
            JsonNode before = awaitCheckpoint(run, state, past(kills.get(0)));
            awaitCheckpoint(run, state, c -> !c.equals(before));
            kills.add(kill(run, state, out, "right after a checkpoint"));
            run = start(runs, yaml);
            // 3: at a random moment
            awaitCheckpoint(run, state, past(kills.get(1)));
            Thread.sleep(ThreadLocalRandom.current().nextLong(200, 1501));
            kills.add(kill(run, state, out, "random moment"));

            run = start(runs, yaml);
            Thread.sleep(500);
            writer.stop();
            writerThread.join();
            assertThat(writer.failure.get()).as("writer").isNull();
            awaitFileEqualsTable(run, out, table);

            List<JsonNode> events = CdcJar.jsonLines(out);
            for (Kill k : kills) {
                Set<String> ranAhead = new TreeSet<>();
                for (JsonNode e : events) {
                    String key = sortKey(e);
                    if (key.compareTo(k.checkpointSortKey) <= 0 && !k.sortKeysInFile.contains(key)) {
                        ranAhead.add(key);
                    }
                }
                assertThat(ranAhead).as("kill '%s': events at or before the checkpoint %s that were not in the file"
                        + " when killed", k.point, k.checkpointSortKey).isEmpty();
            }
            Set<Long> versions = new HashSet<>();
            Set<Long> deleted = new HashSet<>();
            for (JsonNode e : events) {
                String op = e.path("op").asText();
                if (op.equals("c") || op.equals("u")) {
                    versions.add(e.path("after").path("v").asLong());
                } else if (op.equals("d")) {
                    deleted.add(e.path("before").path("id").asLong());
                }
            }
            Set<Long> lostVersions = new TreeSet<>(writer.versions);
            lostVersions.removeAll(versions);
            Set<Long> lostDeletes = new TreeSet<>(writer.deleted);
            lostDeletes.removeAll(deleted);
            assertThat(lostVersions).as("committed inserts/updates missing from the file").isEmpty();
            assertThat(lostDeletes).as("committed deletes missing from the file").isEmpty();
            System.out.printf("%d committed changes (%d transactions) all in the file; kills: %s%n",
                    writer.versions.size() + writer.deleted.size(), writer.transactions, kills);
        } finally {
            writer.stop();
            writerThread.join();
            for (CdcJar c : runs) {
                c.process().destroyForcibly().waitFor();
            }
            exec("DROP TABLE IF EXISTS " + table);
        }
    }

    /** What a kill left behind: the checkpoint's sort key and the sort keys in the file. */
    record Kill(String point, String checkpointSortKey, Set<String> sortKeysInFile) {
        @Override
        public String toString() {
            return point + " at " + checkpointSortKey + " (" + sortKeysInFile.size() + " events in the file)";
        }
    }

    private static Predicate<JsonNode> past(Kill k) {
        return c -> c.path("position").path("sort_key").asText().compareTo(k.checkpointSortKey) > 0;
    }

    private static Kill kill(CdcJar run, Path state, Path out, String point) throws Exception {
        assertThat(run.process().isAlive()).as("still running when killed (%s):\n%s", point, run.stderr()).isTrue();
        run.process().destroyForcibly().waitFor(); // SIGKILL
        JsonNode checkpoint = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
        Set<String> keys = new HashSet<>();
        for (JsonNode e : CdcJar.jsonLines(out)) {
            keys.add(sortKey(e));
        }
        String key = checkpoint.path("position").path("sort_key").asText();
        System.out.printf("killed (%s) with checkpoint %s; the file has %d events%n", point,
                checkpoint.path("position").path("offsets"), keys.size());
        return new Kill(point, key, keys);
    }

    private CdcJar start(List<CdcJar> runs, Path yaml) throws IOException {
        CdcJar c = CdcJar.start(work, "run" + runs.size(), "run", "--status-interval", "0", yaml.toString());
        runs.add(c);
        return c;
    }

    /** A pipeline: the table into {@code out/maria.jsonl} (fsync), checkpoint in {@code state}. */
    static String yaml(String table, String extraSourceOptions) {
        return """
                pipeline: maria-kill
                source: {type: mysql, host: 127.0.0.1, port: 3306, user: cdc, password: cdc, database: test, tables: "%s", server-id: %d, %s}
                sinks:
                  - {name: archive, type: file, path: out/maria.jsonl, fsync: true}
                checkpoint: {type: file, path: state}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                """.formatted(table, 3_000_000 + ThreadLocalRandom.current().nextInt(1_000_000), extraSourceOptions);
    }

    static boolean isSnapshot(JsonNode checkpoint) {
        return !checkpoint.path("position").path("offsets").path("snapshot").isMissingNode();
    }

    private static long row(JsonNode checkpoint) {
        return checkpoint.path("position").path("offsets").path("row").asLong();
    }

    static String sortKey(JsonNode event) {
        return event.path("source").path("sort_key").asText();
    }

    /** Waits for a saved checkpoint that matches. */
    static JsonNode awaitCheckpoint(CdcJar cdc, Path state, Predicate<JsonNode> matches) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                JsonNode c = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
                if (matches.test(c)) {
                    return c;
                }
            } catch (NoSuchFileException | com.fasterxml.jackson.core.JsonProcessingException e) {
                // not yet
            }
            if (!cdc.process().isAlive() || System.nanoTime() > deadline) {
                cdc.process().destroyForcibly().waitFor();
                fail("no matching checkpoint within 60 s:\n" + cdc.stderr());
            }
            Thread.sleep(2);
        }
    }

    /** Waits until applying the file's events in order gives the table's rows (id to v and note). */
    static void awaitFileEqualsTable(CdcJar cdc, Path out, String... tables) throws Exception {
        Map<String, Map<Long, String>> expected = new HashMap<>();
        for (String t : tables) {
            expected.put("test." + t, rows(t));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Map<Long, String>> actual = Map.of();
        while (true) {
            actual = applied(out);
            if (actual.equals(expected)) {
                return;
            }
            if (!cdc.process().isAlive() || System.nanoTime() > deadline) {
                for (String t : expected.keySet()) {
                    Map<Long, String> a = actual.getOrDefault(t, Map.of());
                    Map<Long, String> e = expected.get(t);
                    List<String> diff = new ArrayList<>();
                    for (Long id : new TreeSet<>(union(a.keySet(), e.keySet()))) {
                        if (!String.valueOf(a.get(id)).equals(String.valueOf(e.get(id))) && diff.size() < 10) {
                            diff.add(id + ": file " + a.get(id) + ", table " + e.get(id));
                        }
                    }
                    System.out.printf("%s: %d rows in the file, %d in the table; first differences %s%n", t, a.size(),
                            e.size(), diff);
                }
                fail("the file's final state does not equal the tables within 60 s\n" + cdc.stderr());
            }
            Thread.sleep(300);
        }
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        Set<Long> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** The file's events applied in order, as a sink writing by key would: table to id to "v/note". */
    static Map<String, Map<Long, String>> applied(Path out) throws IOException {
        Map<String, Map<Long, String>> state = new HashMap<>();
        for (JsonNode e : CdcJar.jsonLines(out)) {
            String op = e.path("op").asText();
            Map<Long, String> t = state.computeIfAbsent(e.path("table").asText(), x -> new LinkedHashMap<>());
            switch (op) {
                case "c", "u", "r" -> t.put(e.path("after").path("id").asLong(), value(e.path("after")));
                case "d" -> t.remove(e.path("before").path("id").asLong());
                case "t" -> t.clear();
                default -> { } // schema changes
            }
        }
        state.values().removeIf(Map::isEmpty);
        return state;
    }

    private static String value(JsonNode row) {
        return row.path("v").asText() + "/" + row.path("note").asText();
    }

    /** The table's rows: id to "v/note". */
    static Map<Long, String> rows(String table) throws SQLException {
        Map<Long, String> out = new HashMap<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v, note FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2) + "/" + rs.getString(3));
            }
        }
        return out;
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(Services.mariadbJdbcUrl(), Services.mariadbUser(), Services.mariadbPassword());
    }

    static void exec(String... sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /**
     * Commits transactions of {@value #TX_SIZE} single-row changes (60 inserts, 30 updates, 10
     * deletes of live rows, so each statement changes exactly one row); every insert and update
     * writes a new unique {@code v}, so each committed change can be found in the file.
     */
    static final class Writer implements Runnable {
        private final String table;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Set<Long> versions = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final Set<Long> deleted = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile int transactions;
        private final List<Long> live = new ArrayList<>();
        private long nextId;
        private long nextVersion = 1_000_000;

        Writer(String table, long preloaded) {
            this.table = table;
            for (long i = 1; i <= preloaded; i++) {
                live.add(i);
            }
            nextId = preloaded + 1;
        }

        void stop() {
            running.set(false);
        }

        @Override
        public void run() {
            Random random = new Random(11);
            try (Connection c = connect(); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                while (running.get()) {
                    List<Long> txVersions = new ArrayList<>();
                    List<Long> txDeleted = new ArrayList<>();
                    List<Long> txInserted = new ArrayList<>();
                    for (int i = 0; i < TX_SIZE; i++) {
                        int kind = i % 10;
                        long v = nextVersion++;
                        if (kind < 6) {
                            long id = nextId++;
                            st.execute("INSERT INTO " + table + " VALUES (" + id + ", " + v + ", 'ins')");
                            txInserted.add(id);
                            txVersions.add(v);
                        } else if (kind < 9) {
                            long id = live.get(random.nextInt(live.size()));
                            st.execute("UPDATE " + table + " SET v = " + v + ", note = 'upd' WHERE id = " + id);
                            txVersions.add(v);
                        } else {
                            long id = live.remove(random.nextInt(live.size()));
                            st.execute("DELETE FROM " + table + " WHERE id = " + id);
                            txDeleted.add(id);
                        }
                    }
                    c.commit();
                    live.addAll(txInserted);
                    versions.addAll(txVersions);
                    deleted.addAll(txDeleted);
                    transactions++;
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }
    }
}
