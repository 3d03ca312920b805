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
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The launcher jar running PostgreSQL (snapshot, then logical replication) into a file with a
 * file checkpoint while a writer inserts rows; kill -9 at a random moment, then a restart: every
 * committed row is in the file at least once, and the slot's confirmed_flush_lsn had not passed
 * the checkpoint's LSN when the pipeline was killed. Its PostgreSQL helpers are shared with
 * {@link PostgresSnapshotKillIT}.
 */
class PostgresPipelineIT {

    static final String URL = System.getProperty("cdc.it.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void killedMidStreamThenRestartedLosesNoCommittedRow() throws Exception {
        String name = "pg_pipe_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        String table = name;
        exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                "INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, 2000) g");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong nextId = new AtomicLong(2001);
        Thread writer = new Thread(() -> write(table, writing, nextId), "writer");
        CdcJar killed = null;
        CdcJar resumed = null;
        try {
            Path yaml = Files.writeString(work.resolve("pg.yaml"), """
                    pipeline: pg-kill
                    source: {type: postgres, url: "%s", user: postgres, slot: %s, tables: [public.%s], snapshot-chunk-size: 500}
                    sinks:
                      - {name: archive, type: file, path: out/pg.jsonl, fsync: true}
                    checkpoint: {type: file, path: state}
                    engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                    """.formatted(URL, name, table));
            Path out = work.resolve("out/pg.jsonl");
            Path state = work.resolve("state");
            writer.start();
            killed = CdcJar.start(work, "killed", "run", "--status-interval", "0", yaml.toString());
            awaitStreaming(killed, state);
            Thread.sleep(ThreadLocalRandom.current().nextLong(200, 1501));
            assertThat(killed.process().isAlive()).as("still running when killed:\n%s", killed.stderr()).isTrue();
            killed.process().destroyForcibly().waitFor(); // SIGKILL

            JsonNode checkpoint = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
            long checkpointLsn = lsn(checkpoint.findValue("lsn").asText());
            long confirmed = confirmedFlush(name);
            System.out.printf("killed with checkpoint %s; slot confirmed_flush_lsn %s; file has %d ids%n",
                    checkpoint.path("position"), Long.toHexString(confirmed), ids(out).size());
            assertThat(confirmed).as("confirmed_flush_lsn never passes the checkpoint's LSN").isLessThanOrEqualTo(
                    checkpointLsn);

            resumed = CdcJar.start(work, "resumed", "run", "--status-interval", "0", yaml.toString());
            Thread.sleep(1000);
            writing.set(false);
            writer.join();
            Set<Long> committed = tableIds(table);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Set<Long> missing = new HashSet<>(committed);
            while (!missing.isEmpty()) {
                if (!resumed.process().isAlive() || System.nanoTime() > deadline) {
                    fail(missing.size() + " committed rows missing from the file, e.g. " + missing.stream().sorted()
                            .limit(10).toList() + "\n" + resumed.stderr());
                }
                Thread.sleep(200);
                missing.removeAll(ids(out));
            }
            System.out.printf("all %d committed rows in the file after the restart%n", committed.size());
        } finally {
            writing.set(false);
            writer.join();
            for (CdcJar c : new CdcJar[] {killed, resumed}) {
                if (c != null) {
                    c.process().destroyForcibly().waitFor();
                }
            }
            dropSlotPublicationAndTable(name, table);
        }
    }

    @Test
    void aTransactionOpenAcrossTheKillAndCommittedWhileDownArrivesAfterTheRestart() throws Exception {
        String name = "pg_open_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        String table = name;
        exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v bigint NOT NULL)");
        CdcJar killed = null;
        CdcJar resumed = null;
        try (Connection open = connect(); Statement openSt = open.createStatement()) {
            Path yaml = Files.writeString(work.resolve("pg.yaml"), """
                    pipeline: pg-open
                    source: {type: postgres, url: "%s", user: postgres, slot: %s, tables: [public.%s]}
                    sinks:
                      - {name: archive, type: file, path: out/pg.jsonl, fsync: true}
                    checkpoint: {type: file, path: state}
                    engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                    """.formatted(URL, name, table));
            Path out = work.resolve("out/pg.jsonl");
            Path state = work.resolve("state");
            killed = CdcJar.start(work, "killed", "run", "--status-interval", "0", yaml.toString());
            exec("INSERT INTO " + table + " VALUES (1, 1)");
            awaitIds(killed, out, 1);
            exec("INSERT INTO " + table + " VALUES (2, 1)"); // after the snapshot: streamed
            awaitStreaming(killed, state);
            // A transaction opens before the kill and commits while the pipeline is down.
            open.setAutoCommit(false);
            openSt.execute("INSERT INTO " + table + " SELECT g, 2 FROM generate_series(100, 199) g");
            exec("INSERT INTO " + table + " SELECT g, 3 FROM generate_series(3, 50) g");
            awaitIds(killed, out, 50);
            killed.process().destroyForcibly().waitFor(); // SIGKILL

            JsonNode checkpoint = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
            assertThat(confirmedFlush(name)).as("confirmed_flush_lsn never passes the checkpoint's LSN")
                    .isLessThanOrEqualTo(lsn(checkpoint.findValue("lsn").asText()));
            open.commit();
            exec("INSERT INTO " + table + " SELECT g, 4 FROM generate_series(200, 249) g");

            resumed = CdcJar.start(work, "resumed", "run", "--status-interval", "0", yaml.toString());
            Set<Long> committed = tableIds(table);
            assertThat(committed).hasSize(200);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Set<Long> missing = new HashSet<>(committed);
            while (!missing.isEmpty()) {
                if (!resumed.process().isAlive() || System.nanoTime() > deadline) {
                    fail(missing.size() + " committed rows missing, e.g. " + missing.stream().sorted().limit(10).toList()
                            + "\n" + resumed.stderr());
                }
                Thread.sleep(200);
                missing.removeAll(ids(out));
            }
        } finally {
            for (CdcJar c : new CdcJar[] {killed, resumed}) {
                if (c != null) {
                    c.process().destroyForcibly().waitFor();
                }
            }
            dropSlotPublicationAndTable(name, table);
        }
    }

    private static void awaitIds(CdcJar cdc, Path out, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ids(out).size() < count) {
            if (!cdc.process().isAlive() || System.nanoTime() > deadline) {
                fail("fewer than " + count + " rows in the file within 60 s:\n" + cdc.stderr());
            }
            Thread.sleep(20);
        }
    }

    /** Ends the slot's walsender if still there (a killed pipeline's), drops the slot, the publication and the table. */
    static void dropSlotPublicationAndTable(String name, String table) throws SQLException, InterruptedException {
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

    /** Waits for the first checkpoint after the snapshot (a streamed position: no "snapshot" offset). */
    private static void awaitStreaming(CdcJar cdc, Path state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                JsonNode c = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
                if (c.findValue("lsn") != null && c.findValue("snapshot") == null) {
                    return;
                }
            } catch (NoSuchFileException | com.fasterxml.jackson.core.JsonProcessingException e) {
                // not yet
            }
            if (!cdc.process().isAlive() || System.nanoTime() > deadline) {
                cdc.process().destroyForcibly().waitFor();
                fail("no streamed checkpoint within 60 s:\n" + cdc.stderr());
            }
            Thread.sleep(20);
        }
    }

    private static Set<Long> ids(Path file) throws IOException {
        Set<Long> ids = new HashSet<>();
        for (JsonNode e : CdcJar.jsonLines(file)) {
            JsonNode id = e.path("after").path("id");
            if (!id.isMissingNode() && !id.isNull()) {
                ids.add(id.asLong());
            }
        }
        return ids;
    }

    private static void write(String table, AtomicBoolean writing, AtomicLong nextId) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            while (writing.get()) {
                long id = nextId.getAndAdd(5);
                // five rows per transaction: several events share one commit LSN
                st.execute("INSERT INTO " + table + " SELECT g, 1 FROM generate_series(" + id + ", " + (id + 4) + ") g");
                Thread.sleep(2);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<Long> tableIds(String table) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    static long confirmedFlush(String slot) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '"
                     + slot + "'")) {
            assertThat(rs.next()).as("slot " + slot).isTrue();
            return lsn(rs.getString(1));
        }
    }

    static long lsn(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, "postgres", "");
    }

    static void exec(String... sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
