package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * kill -9 while a lane's backlog holds events on disk: a slow file sink (fsync per small batch,
 * a tiny in-memory queue) spills behind a fast generator; the child JVM is killed with segment
 * files on disk, then restarted. Nothing is lost (the checkpoint never passed what the file holds;
 * after the restart the file holds every sequence), the restart discards the old backlog and
 * resumes from the checkpoint, and within each run a key's events reach the file in source order.
 */
class BacklogKillIT {

    /** Row changes; sequence 0 is the table's schema, 1..COUNT the row changes. */
    private static final long COUNT = 60_000;

    @TempDir
    Path work;

    @Test
    void killedWithABacklogOnDiskThenRestartedLosesNothingAndKeepsPerKeyOrder() throws Exception {
        Path out = work.resolve("out/slow.jsonl");
        Path state = work.resolve("state");
        Path backlog = state.resolve("backlog/slow");
        Path killedYaml = Files.writeString(work.resolve("killed.yaml"), yaml(20_000, 10, 20));
        CdcJar killed = CdcJar.start(work, "killed", "run", "--status-interval", "0", killedYaml.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (segmentBytes(backlog) < 50_000 || CdcJar.checkpointSequence(state).isEmpty()) {
            if (!killed.process().isAlive() || System.nanoTime() > deadline) {
                killed.process().destroyForcibly().waitFor();
                fail("no backlog on disk within 60 s:\n" + killed.stderr());
            }
            Thread.sleep(20);
        }
        killed.process().destroyForcibly().waitFor(); // SIGKILL, with the backlog on disk
        long onDisk = segmentBytes(backlog);
        long checkpoint = CdcJar.checkpointSequence(state).orElseThrow();
        long killedFileLines = CdcJar.jsonLines(out).size();
        BitSet written = sequences(CdcJar.jsonLines(out));
        System.out.printf("killed with %d backlog bytes on disk; checkpoint at %d; the file holds %d events%n",
                onDisk, checkpoint, killedFileLines);
        assertThat(onDisk).as("the backlog held events on disk when killed").isPositive();
        assertThat(checkpoint).as("killed mid-stream").isLessThan(COUNT);
        int missing = written.nextClearBit(0);
        assertThat(missing).as("sequence %d is at or before the checkpoint %d but not in the file", missing,
                checkpoint).isGreaterThan((int) checkpoint);

        Path resumedYaml = Files.writeString(work.resolve("resumed.yaml"), yaml(0, 500, 10_000));
        CdcJar resumed = CdcJar.start(work, "resumed", "run", "--status-interval", "0", resumedYaml.toString());
        assertThat(resumed.waitFor(120)).as(resumed.stderr()).isZero();
        assertThat(resumed.stderr()).contains("discarded").contains("bytes of backlog an earlier run left")
                .contains("completed; checkpoint at {sequence=" + COUNT + "}");
        List<JsonNode> all = CdcJar.jsonLines(out);
        assertThat(sequences(all).nextClearBit(0)).as("every sequence in the file after the restart")
                .isEqualTo((int) COUNT + 1);
        List<JsonNode> firstRun = all.subList(0, (int) killedFileLines);
        List<JsonNode> secondRun = all.subList((int) killedFileLines, all.size());
        assertThat(CdcJar.sequence(secondRun.get(0))).as("the restart resumes right after the checkpoint")
                .isEqualTo(checkpoint + 1);
        assertPerKeyOrder(firstRun, "the killed run");
        assertPerKeyOrder(secondRun, "the restarted run");
        assertThat(segmentBytes(backlog)).as("the backlog is empty once everything is acknowledged").isZero();
    }

    private static String yaml(int rate, int batch, int capacity) {
        return """
                pipeline: backlog-kill
                source: {type: generator, count: %d, rate: %d, batch-size: 100, keys: 500}
                sinks:
                  - {name: slow, type: file, path: out/slow.jsonl, fsync: true, batch-size: %d, queue-capacity: %d}
                  - {name: fast, type: discard}
                checkpoint: {type: file, path: state}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                """.formatted(COUNT, rate, batch, capacity);
    }

    /** Within one run, each key's events reach the file in increasing sequence. */
    private static void assertPerKeyOrder(List<JsonNode> events, String run) {
        Map<String, Long> last = new HashMap<>();
        for (JsonNode e : events) {
            String key = e.path("key").toString();
            long seq = CdcJar.sequence(e);
            Long before = last.put(key, seq);
            if (before != null && before >= seq) {
                fail(run + ": key " + key + " got sequence " + seq + " after " + before);
            }
        }
    }

    private static BitSet sequences(List<JsonNode> events) {
        BitSet seen = new BitSet();
        events.forEach(e -> seen.set((int) CdcJar.sequence(e)));
        return seen;
    }

    private static long segmentBytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long bytes = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".seg")).toList()) {
                try {
                    bytes += Files.size(f);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // deleted meanwhile: acknowledged
                }
            }
        }
        return bytes;
    }
}
