package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static dev.cdc.launcher.MariaDbPipelineIT.awaitCheckpoint;
import static dev.cdc.launcher.MariaDbPipelineIT.awaitFileEqualsTable;
import static dev.cdc.launcher.MariaDbPipelineIT.exec;
import static dev.cdc.launcher.MariaDbPipelineIT.sortKey;
import static dev.cdc.launcher.MariaDbPipelineIT.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher jar snapshotting two 60,000-row MariaDB tables in parallel (two workers, chunks
 * of 1,000 rows) into a file with a file checkpoint while a writer changes one of them; kill -9
 * in the middle of the snapshot, then a restart: the snapshot resumes from each table's last
 * checkpointed key, so no row of an already finished chunk is read again (counted), no row is
 * missing, and the file's final state equals both tables. At the kill, every event at or before
 * the checkpoint is in the file.
 */
class MariaDbSnapshotKillIT {

    private static final int ROWS = 60_000;
    private static final int CHUNK = 1_000;

    @TempDir
    Path work;

    @Test
    void killedMidSnapshotResumesAfterTheCheckpointedKeysAndLosesNoRow() throws Exception {
        Services.requireReachable(Service.MARIADB);
        String prefix = "myops_snapkill_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        String a = prefix + "_a";
        String b = prefix + "_b";
        for (String t : List.of(a, b)) {
            exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, note VARCHAR(20))",
                    "INSERT INTO " + t + " SELECT seq, seq, 'init' FROM seq_1_to_" + ROWS);
        }
        MariaDbPipelineIT.Writer writer = new MariaDbPipelineIT.Writer(a, ROWS);
        Thread writerThread = new Thread(writer, "writer");
        List<CdcJar> runs = new ArrayList<>();
        try {
            Path yaml = Files.writeString(work.resolve("maria.yaml"), yaml(prefix + "_[ab]",
                    "snapshot-chunk-size: " + CHUNK + ", snapshot-parallelism: 2, max-batch: 500"));
            Path out = work.resolve("out/maria.jsonl");
            Path state = work.resolve("state");
            writerThread.start();
            CdcJar killed = CdcJar.start(work, "killed", "run", "--status-interval", "0", yaml.toString());
            runs.add(killed);
            awaitCheckpoint(killed, state, c -> {
                JsonNode o = c.path("position").path("offsets");
                if (!o.path("snapshot").isMissingNode() && !"true".equals(o.path("snapshot").asText())) {
                    throw new AssertionError("the snapshot finished before the kill: " + c);
                }
                return o.path("t.0.key.0").asLong() > 10 * CHUNK || o.path("t.1.key.0").asLong() > 10 * CHUNK;
            });
            killed.process().destroyForcibly().waitFor(); // SIGKILL mid-snapshot
            JsonNode checkpoint = MariaDbPipelineIT.JSON.readTree(Files.readString(state.resolve("checkpoint.json")));
            JsonNode offsets = checkpoint.path("position").path("offsets");
            assertThat(offsets.path("snapshot").asText()).as("killed mid-snapshot: %s", checkpoint).isEqualTo("true");
            String checkpointKey = checkpoint.path("position").path("sort_key").asText();
            List<JsonNode> atKill = CdcJar.jsonLines(out);
            long inFileAtKill = atKill.stream().filter(e -> sortKey(e).compareTo(checkpointKey) <= 0).count();
            assertThat(inFileAtKill).as("events at or before the checkpoint in the file at the kill")
                    .isEqualTo(offsets.path("row").asLong());
            // per table: the key up to which its rows were delivered, or all of it when it was finished
            Map<String, Long> deliveredUpTo = new HashMap<>();
            int next = offsets.path("next").asInt();
            List<String> tables = List.of(a, b);
            for (int i = 0; i < next; i++) {
                JsonNode key = offsets.path("t." + i + ".key.0");
                deliveredUpTo.put("test." + tables.get(i), offsets.has("t." + i) ? key.asLong(0) : Long.MAX_VALUE);
            }
            System.out.printf("killed with checkpoint %s; %d events in the file%n", offsets, atKill.size());
            killed.stderr().lines().filter(l -> l.contains("snapshot:")).forEach(l -> System.out.println("  " + l));

            CdcJar resumed = CdcJar.start(work, "resumed", "run", "--status-interval", "0", yaml.toString());
            runs.add(resumed);
            awaitCheckpoint(resumed, state, c -> c.path("position").path("offsets").path("snapshot").isMissingNode());
            writer.stop();
            writerThread.join();
            assertThat(writer.failure.get()).as("writer").isNull();
            awaitFileEqualsTable(resumed, out, a, b);
            resumed.stderr().lines().filter(l -> l.contains("snapshot")).forEach(l -> System.out.println("  " + l));

            List<JsonNode> after = CdcJar.jsonLines(out).subList(atKill.size(), CdcJar.jsonLines(out).size());
            Map<String, Long> reReadUpToCheckpoint = new HashMap<>();
            Map<String, Long> readAfterRestart = new HashMap<>();
            for (JsonNode e : after) {
                if (!"r".equals(e.path("op").asText())) {
                    continue;
                }
                String table = e.path("table").asText();
                if (e.path("after").path("id").asLong() <= ROWS) {
                    // of the preloaded rows (the writer's inserts, above ROWS, grow with the machine's speed)
                    readAfterRestart.merge(table, 1L, Long::sum);
                }
                if (e.path("after").path("id").asLong() <= deliveredUpTo.getOrDefault(table, 0L)) {
                    reReadUpToCheckpoint.merge(table, 1L, Long::sum);
                }
            }
            for (Map.Entry<String, Long> d : deliveredUpTo.entrySet()) {
                System.out.printf("%s: delivered up to key %s before the kill (%d finished chunks not read again);"
                        + " %d rows read after the restart%n", d.getKey(), d.getValue() == Long.MAX_VALUE ? "(all)"
                        : d.getValue(), Math.min(ROWS, d.getValue()) / CHUNK, readAfterRestart.getOrDefault(d.getKey(), 0L));
            }
            assertThat(deliveredUpTo.values().stream().mapToLong(v -> Math.min(ROWS, v) / CHUNK).sum())
                    .as("whole chunks delivered before the kill").isGreaterThanOrEqualTo(10);
            assertThat(reReadUpToCheckpoint).as("rows at or below a table's checkpointed key read again").isEmpty();
            assertThat(readAfterRestart.values().stream().mapToLong(Long::longValue).sum())
                    .as("rows read after the restart").isLessThan(2L * ROWS - 10 * CHUNK);
        } finally {
            writer.stop();
            writerThread.join();
            for (CdcJar c : runs) {
                c.process().destroyForcibly().waitFor();
            }
            exec("DROP TABLE IF EXISTS " + a, "DROP TABLE IF EXISTS " + b);
        }
    }
}
