package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The launcher jar replicating a table of one database into another through the {@code jdbc} sink
 * (snapshot, then the log) while a writer commits inserts, updates (some leaving a large column
 * untouched) and deletes of rows with columns of many types; kill -9 at a random moment once the
 * pipeline streams, then a restart: in the end the target table equals the source table, every
 * column of every row, value by value ({@link ExactRows}). Subclasses supply the two databases.
 */
abstract class JdbcReplicaKillScenario {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    final String name = prefix() + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
    private final Set<Long> ids = new ConcurrentSkipListSet<>();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicReference<Throwable> writerFailure = new AtomicReference<>();

    /** A short name for object names. */
    abstract String prefix();

    /** The source database and the target database. */
    abstract JdbcRoute route();

    /** Creates the source table {@link #name}; its key is {@code id}. */
    abstract void createSourceTable() throws Exception;

    /** Inserts ({@code update} false) or updates the row {@code id} with random values of every column. */
    abstract void upsert(Connection c, long id, boolean update, Random r) throws Exception;

    /** The JSON columns, compared as JSON. */
    abstract Set<String> jsonColumns();

    Connection source() throws SQLException {
        return route().source();
    }

    Connection target() throws SQLException {
        return route().target();
    }

    @Test
    void killedWhileStreamingThenRestartedTheTargetEqualsTheSourceValueByValue() throws Exception {
        createSourceTable();
        Random seed = new Random();
        try (Connection c = source()) {
            c.setAutoCommit(false);
            for (long id = 1; id <= 300; id++) {
                upsert(c, id, false, seed);
                ids.add(id);
            }
            c.commit();
        }
        Thread writer = new Thread(this::write, "writer-" + name);
        List<CdcJar> runs = new ArrayList<>();
        try {
            Path yaml = Files.writeString(work.resolve("replica.yaml"), """
                    pipeline: %s
                    source: %s
                    sinks:
                      - {name: replica, type: jdbc, %s, table-name: "${name}", tombstone-table: %s_tomb, schema-policy: evolve}
                    checkpoint: {type: file, path: state}
                    engine: {checkpoint-interval: 50ms, flush-interval: 20ms, batch-size: 200}
                    """.formatted(name.replace('_', '-'), route().sourceYaml(name), route().targetOptions(), name));
            CdcJar first = CdcJar.start(work, "first", "run", "--status-interval", "0", yaml.toString());
            runs.add(first);
            writer.start();
            awaitStreaming(first, work.resolve("state"));
            Thread.sleep(ThreadLocalRandom.current().nextLong(300, 1501));
            assertThat(first.process().isAlive()).as("still running when killed:\n%s", first.stderr()).isTrue();
            first.process().destroyForcibly().waitFor(); // SIGKILL

            CdcJar second = CdcJar.start(work, "second", "run", "--status-interval", "0", yaml.toString());
            runs.add(second);
            Thread.sleep(1500);
            writing.set(false);
            writer.join();
            assertThat(writerFailure.get()).as("the writer").isNull();
            awaitTargetEqualsSource(second);
        } finally {
            writing.set(false);
            writer.join();
            for (CdcJar c : runs) {
                c.process().destroyForcibly().waitFor();
            }
            route().dropSource(name);
            route().dropTarget(name);
        }
    }

    /** Transactions of one to five changes: inserts of new ids, updates and deletes of existing ones. */
    private void write() {
        Random r = new Random();
        long next = 1_000;
        try (Connection c = source()) {
            c.setAutoCommit(false);
            while (writing.get()) {
                int changes = 1 + r.nextInt(5);
                List<Long> inserted = new ArrayList<>();
                List<Long> deleted = new ArrayList<>();
                for (int i = 0; i < changes; i++) {
                    int what = r.nextInt(10);
                    Long existing = ids.isEmpty() ? null : List.copyOf(ids).get(r.nextInt(ids.size()));
                    if (what < 4 || existing == null || deleted.contains(existing)) {
                        long id = next++;
                        upsert(c, id, false, r);
                        inserted.add(id);
                    } else if (what < 8) {
                        upsert(c, existing, true, r);
                    } else {
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + name + " WHERE id = ?")) {
                            ps.setLong(1, existing);
                            ps.executeUpdate();
                        }
                        deleted.add(existing);
                    }
                }
                c.commit();
                ids.addAll(inserted);
                deleted.forEach(ids::remove);
                Thread.sleep(3);
            }
        } catch (Throwable t) {
            writerFailure.set(t);
        }
    }

    private void awaitTargetEqualsSource(CdcJar run) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String difference;
        Map<Long, Map<String, String>> expected;
        try (Connection s = source()) {
            expected = ExactRows.of(s, name, jsonColumns());
        }
        assertThat(expected).as("rows in the source").hasSizeGreaterThan(200);
        while (true) {
            Map<Long, Map<String, String>> actual;
            try (Connection t = target()) {
                actual = ExactRows.of(t, name, jsonColumns());
            } catch (SQLException e) {
                actual = Map.of();
            }
            difference = ExactRows.difference(expected, actual);
            if (difference.isEmpty()) {
                System.out.printf("%s: the target equals the source, %d rows of %d columns%n", name, expected.size(),
                        expected.values().iterator().next().size());
                return;
            }
            if (!run.process().isAlive() || System.nanoTime() > deadline) {
                fail("the target does not equal the source: " + difference + "\n" + run.stderr());
            }
            Thread.sleep(250);
        }
    }

    /** Waits for the first checkpoint after the snapshot. */
    private static void awaitStreaming(CdcJar run, Path state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                JsonNode c = JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
                if (c.path("position").path("offsets").path("snapshot").isMissingNode()) {
                    return;
                }
            } catch (NoSuchFileException | com.fasterxml.jackson.core.JsonProcessingException e) {
                // not yet
            }
            if (!run.process().isAlive() || System.nanoTime() > deadline) {
                fail("no streamed checkpoint within 60 s:\n" + run.stderr());
            }
            Thread.sleep(20);
        }
    }

    // ------------------------------------------------------------------ random values

    static String text(Random r, int maxLength) {
        String[] pieces = {"a", "Z", "é", "ü", "✓", "😀", "'", "\"", "\\", " ", "%", "_", "日本", "\t", "x"};
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(maxLength + 1);
        while (sb.codePointCount(0, sb.length()) < n) {
            String p = pieces[r.nextInt(pieces.length)];
            if (sb.codePointCount(0, sb.length()) + p.codePointCount(0, p.length()) > n) {
                break;
            }
            sb.append(p);
        }
        return sb.toString();
    }

    static String json(Random r) throws Exception {
        return JSON.writeValueAsString(Map.of("n", r.nextInt(), "s", text(r, 10), "a", List.of(r.nextInt(9), true),
                "o", Map.of("k", r.nextBoolean())));
    }

    static byte[] bytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }

    /** True one time in ten: the column is NULL. */
    static boolean nullOne(Random r) {
        return r.nextInt(10) == 0;
    }
}
