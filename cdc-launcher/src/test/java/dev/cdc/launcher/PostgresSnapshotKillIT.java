package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The launcher jar snapshotting a 200,000-row PostgreSQL table into a file with a file
 * checkpoint; kill -9 in the middle of the snapshot, then a restart: every row is in the file at
 * least once, the rows up to the checkpoint's key are not read again, and the slot's
 * confirmed_flush_lsn never passed the checkpoint (it stays at the consistent point while the
 * snapshot runs).
 */
class PostgresSnapshotKillIT {

    private static final String URL = System.getProperty("cdc.it.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 200_000;

    @TempDir
    Path work;

    @Test
    void killedMidSnapshotThenRestartedResumesAfterTheCheckpointAndLosesNoRow() throws Exception {
        String name = "pg_snapkill_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        String table = name;
        exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v text NOT NULL)",
                "INSERT INTO " + table + " SELECT g, md5(g::text) FROM generate_series(1, " + ROWS + ") g");
        CdcJar killed = null;
        CdcJar resumed = null;
        try {
            Path yaml = Files.writeString(work.resolve("pg.yaml"), """
                    pipeline: pg-snapshot-kill
                    source: {type: postgres, url: "%s", user: postgres, slot: %s, tables: [public.%s], snapshot-chunk-size: 2000}
                    sinks:
                      - {name: archive, type: file, path: out/pg.jsonl}
                    checkpoint: {type: file, path: state}
                    engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                    """.formatted(URL, name, table));
            Path out = work.resolve("out/pg.jsonl");
            Path state = work.resolve("state");
            killed = CdcJar.start(work, "killed", "run", "--status-interval", "0", yaml.toString());
            JsonNode checkpoint = awaitSnapshotCheckpointPast(killed, state, 20_000);
            killed.process().destroyForcibly().waitFor(); // SIGKILL mid-snapshot

            checkpoint = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
            JsonNode offsets = checkpoint.path("position").path("offsets");
            assertThat(offsets.path("snapshot").asText()).as("killed mid-snapshot: %s", checkpoint).isEqualTo("true");
            long checkpointLsn = lsn(offsets.path("lsn").asText());
            long lastKey = offsets.path("t.0.key.0").asLong();
            long confirmed = confirmedFlush(name);
            System.out.printf("killed with checkpoint %s; slot confirmed_flush_lsn %s; file has %d lines%n",
                    offsets, Long.toHexString(confirmed), CdcJar.jsonLines(out).size());
            assertThat(lastKey).as("a key in the checkpoint").isPositive().isLessThan(ROWS);
            assertThat(confirmed).as("confirmed_flush_lsn never passes the checkpoint").isLessThanOrEqualTo(
                    checkpointLsn);

            resumed = CdcJar.start(work, "resumed", "run", "--status-interval", "0", yaml.toString());
            Set<Long> committed = tableIds(table);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            Set<Long> missing = new HashSet<>(committed);
            while (!missing.isEmpty()) {
                if (!resumed.process().isAlive() || System.nanoTime() > deadline) {
                    fail(missing.size() + " rows missing from the file, e.g. " + missing.stream().sorted()
                            .limit(10).toList() + "\n" + resumed.stderr());
                }
                Thread.sleep(1000);
                missing.removeAll(ids(out));
            }
            Map<Long, Integer> reads = readCounts(out);
            long repeatedUpToCheckpoint = reads.entrySet().stream()
                    .filter(e -> e.getKey() <= lastKey && e.getValue() > 1).count();
            assertThat(repeatedUpToCheckpoint).as("rows up to the checkpoint's key read again").isZero();
            long repeated = reads.values().stream().filter(n -> n > 1).count();
            System.out.printf("all %d rows in the file after the restart; %d rows read twice (after the checkpoint's "
                    + "key %d, delivered but not checkpointed before the kill)%n", committed.size(), repeated, lastKey);
        } finally {
            for (CdcJar c : new CdcJar[] {killed, resumed}) {
                if (c != null) {
                    c.process().destroyForcibly().waitFor();
                }
            }
            for (int i = 0; i < 50; i++) {
                try {
                    exec("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + name
                            + "' AND active_pid IS NOT NULL", "SELECT pg_drop_replication_slot(slot_name) FROM "
                            + "pg_replication_slots WHERE slot_name = '" + name + "'");
                    break;
                } catch (SQLException e) {
                    Thread.sleep(100);
                }
            }
            exec("DROP PUBLICATION IF EXISTS " + name, "DROP TABLE IF EXISTS " + table);
        }
    }

    /** Waits for a snapshot checkpoint whose key passed {@code key}. */
    private static JsonNode awaitSnapshotCheckpointPast(CdcJar cdc, Path state, long key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                JsonNode c = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
                JsonNode offsets = c.path("position").path("offsets");
                if ("true".equals(offsets.path("snapshot").asText()) && offsets.path("t.0.key.0").asLong() > key) {
                    return c;
                }
                if (!offsets.isMissingNode() && !"true".equals(offsets.path("snapshot").asText())) {
                    fail("the snapshot finished before the kill: " + c);
                }
            } catch (NoSuchFileException | com.fasterxml.jackson.core.JsonProcessingException e) {
                // not yet
            }
            if (!cdc.process().isAlive() || System.nanoTime() > deadline) {
                cdc.process().destroyForcibly().waitFor();
                fail("no snapshot checkpoint past key " + key + " within 90 s:\n" + cdc.stderr());
            }
            Thread.sleep(5);
        }
    }

    private static Set<Long> ids(Path file) throws IOException {
        return readCounts(file).keySet();
    }

    private static Map<Long, Integer> readCounts(Path file) throws IOException {
        Map<Long, Integer> counts = new HashMap<>();
        for (JsonNode e : CdcJar.jsonLines(file)) {
            JsonNode id = e.path("after").path("id");
            if ("r".equals(e.path("op").asText()) && !id.isMissingNode() && !id.isNull()) {
                counts.merge(id.asLong(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static Set<Long> tableIds(String table) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static long confirmedFlush(String slot) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '"
                     + slot + "'")) {
            assertThat(rs.next()).as("slot " + slot).isTrue();
            return lsn(rs.getString(1));
        }
    }

    private static long lsn(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, "postgres", "");
    }

    private static void exec(String... sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
