package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static dev.cdc.launcher.PostgresPipelineIT.confirmedFlush;
import static dev.cdc.launcher.PostgresPipelineIT.dropSlotPublicationAndTable;
import static dev.cdc.launcher.PostgresPipelineIT.exec;
import static dev.cdc.launcher.PostgresPipelineIT.lsn;
import static dev.cdc.launcher.PostgresPipelineIT.tableIds;
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
                    """.formatted(PostgresPipelineIT.URL, name, table));
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
            dropSlotPublicationAndTable(name, table);
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
}
