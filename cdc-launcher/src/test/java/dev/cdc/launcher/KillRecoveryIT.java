package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * kill -9 at random moments: the checkpoint never runs ahead of what the file sink made durable,
 * and restarts deliver every event at least once.
 */
class KillRecoveryIT {

    private static final long COUNT = 200_000;
    private static final int KILLS = 3;

    @TempDir
    Path work;

    @Test
    void theCheckpointNeverPassesTheSinkAndRestartsLoseNothing() throws Exception {
        Path pipeline = Files.writeString(work.resolve("crash.yaml"), """
                pipeline: crash
                source: {type: generator, count: %d, rate: 0, batch-size: 100, keys: 1000}
                sinks:
                  - {name: archive, type: file, path: out/crash.jsonl, fsync: true}
                checkpoint: {type: file, path: state}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                """.formatted(COUNT));
        Path out = work.resolve("out/crash.jsonl");
        Path state = work.resolve("state");
        int killedMidStream = 0;

        for (int kill = 1; kill <= KILLS; kill++) {
            String before = checkpointText(state);
            CdcJar cdc = CdcJar.start(work, "run-" + kill, "run", "--status-interval", "0", pipeline.toString());
            awaitNewCheckpointOrExit(cdc, state, before);
            Thread.sleep(ThreadLocalRandom.current().nextLong(300, 1501));
            boolean wasRunning = cdc.process().isAlive();
            cdc.process().destroyForcibly().waitFor();
            if (wasRunning) {
                killedMidStream++;
            }

            OptionalLong checkpoint = CdcJar.checkpointSequence(state);
            BitSet written = sequences(out);
            if (checkpoint.isPresent()) {
                int missing = firstClear(written, checkpoint.getAsLong());
                assertThat(missing).as("kill %d: sequence %d is at or before the checkpoint %d but not in the file",
                        kill, missing, checkpoint.getAsLong()).isEqualTo(-1);
            }
        }
        assertThat(killedMidStream).as("at least one kill hit a running pipeline").isPositive();

        CdcJar last = CdcJar.start(work, "final", "run", "--status-interval", "0", pipeline.toString());
        assertThat(last.waitFor(60)).as(last.stderr()).isZero();
        assertThat(last.stderr()).contains("completed; checkpoint at {sequence=" + (COUNT - 1) + "}");
        BitSet all = sequences(out);
        assertThat(firstClear(all, COUNT - 1)).as("a sequence missing after the restarts").isEqualTo(-1);
        assertThat(all.length()).isEqualTo((int) COUNT);
    }

    /** Waits until this run saved a checkpoint of its own (so it is past start-up), or exited. */
    private static void awaitNewCheckpointOrExit(CdcJar cdc, Path state, String before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (cdc.process().isAlive() && checkpointText(state).equals(before)) {
            if (System.nanoTime() > deadline) {
                cdc.process().destroyForcibly().waitFor();
                fail("no checkpoint within 20 s:\n" + cdc.stderr());
            }
            Thread.sleep(10);
        }
    }

    private static String checkpointText(Path state) throws IOException {
        Path file = state.resolve("checkpoint.json");
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.nio.file.NoSuchFileException renamedJustNow) {
            return "";
        }
    }

    private static BitSet sequences(Path file) throws IOException {
        BitSet seen = new BitSet();
        for (JsonNode e : CdcJar.jsonLines(file)) {
            if (!"schema".equals(e.path("op").asText())) {
                seen.set((int) CdcJar.sequence(e));
            }
        }
        return seen;
    }

    /** The first sequence in 0..upTo not set, or -1. */
    private static int firstClear(BitSet seen, long upTo) {
        int clear = seen.nextClearBit(0);
        return clear <= upTo ? clear : -1;
    }
}
