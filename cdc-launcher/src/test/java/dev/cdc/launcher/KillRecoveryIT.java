package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * kill -9 at random moments: the checkpoint never runs ahead of what the file sink made durable,
 * and a restart delivers every event at least once. Three independent kill points.
 */
class KillRecoveryIT {

    /** Row changes; sequence 0 is the table's schema, 1..COUNT the row changes. */
    private static final long COUNT = 200_000;
    /** Events per second while waiting to be killed, so that the kill lands mid-stream. */
    private static final int KILLED_RUN_RATE = 50_000;

    @TempDir
    Path work;

    @Test
    void theCheckpointNeverPassesTheSinkAndARestartLosesNothing() throws Exception {
        for (int point = 1; point <= 3; point++) {
            killAndRecover(Files.createDirectory(work.resolve("kill-" + point)), point);
        }
    }

    private void killAndRecover(Path dir, int point) throws Exception {
        Path killed = Files.writeString(dir.resolve("killed.yaml"), yaml(KILLED_RUN_RATE));
        Path out = dir.resolve("out/crash.jsonl");
        Path state = dir.resolve("state");

        CdcJar cdc = CdcJar.start(dir, "killed", "run", "--status-interval", "0", killed.toString());
        awaitFirstCheckpoint(cdc, state);
        Thread.sleep(ThreadLocalRandom.current().nextLong(300, 1501));
        assertThat(cdc.process().isAlive()).as("still running when killed:\n%s", cdc.stderr()).isTrue();
        cdc.process().destroyForcibly().waitFor(); // SIGKILL

        long checkpoint = CdcJar.checkpointSequence(state).orElseThrow();
        BitSet written = sequences(out);
        System.out.printf("kill point %d: checkpoint at sequence %d; the file holds up to sequence %d%n", point,
                checkpoint, written.length() - 1);
        assertThat(checkpoint).as("killed mid-stream").isLessThan(COUNT);
        int missing = firstClear(written, checkpoint);
        assertThat(missing).as("kill point %d: sequence %d is at or before the checkpoint %d but not in the file",
                point, missing, checkpoint).isEqualTo(-1);

        // the same pipeline (rate aside, which does not change the events) resumes and completes
        Path resumed = Files.writeString(dir.resolve("resumed.yaml"), yaml(0));
        CdcJar restart = CdcJar.start(dir, "resumed", "run", "--status-interval", "0", resumed.toString());
        assertThat(restart.waitFor(60)).as(restart.stderr()).isZero();
        assertThat(restart.stderr()).contains("completed; checkpoint at {sequence=" + COUNT + "}");
        BitSet all = sequences(out);
        assertThat(firstClear(all, COUNT)).as("kill point %d: a sequence missing after the restart", point)
                .isEqualTo(-1);
        assertThat(all.length()).isEqualTo((int) COUNT + 1);
    }

    private static String yaml(int rate) {
        return """
                pipeline: crash
                source: {type: generator, count: %d, rate: %d, batch-size: 100, keys: 1000}
                sinks:
                  - {name: archive, type: file, path: out/crash.jsonl, fsync: true}
                checkpoint: {type: file, path: state}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                """.formatted(COUNT, rate);
    }

    private static void awaitFirstCheckpoint(CdcJar cdc, Path state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!exists(state.resolve("checkpoint.json"))) {
            if (!cdc.process().isAlive() || System.nanoTime() > deadline) {
                cdc.process().destroyForcibly().waitFor();
                fail("no checkpoint within 20 s:\n" + cdc.stderr());
            }
            Thread.sleep(10);
        }
    }

    private static boolean exists(Path file) throws IOException {
        try {
            return Files.size(file) > 0;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static BitSet sequences(Path file) throws IOException {
        BitSet seen = new BitSet();
        for (JsonNode e : CdcJar.jsonLines(file)) {
            seen.set((int) CdcJar.sequence(e));
        }
        return seen;
    }

    /** The first sequence in 0..upTo that is missing, or -1. */
    private static int firstClear(BitSet seen, long upTo) {
        int clear = seen.nextClearBit(0);
        return clear <= upTo ? clear : -1;
    }
}
