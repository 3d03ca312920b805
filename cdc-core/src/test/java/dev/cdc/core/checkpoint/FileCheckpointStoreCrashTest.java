package dev.cdc.core.checkpoint;

import dev.cdc.api.spi.Checkpoint;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Survives kill -9 mid-write": a child JVM saves checkpoints as fast as it can, is killed with
 * SIGKILL, and the checkpoint it leaves must parse and be the last one it reported saved, or
 * the one it was saving when killed.
 */
class FileCheckpointStoreCrashTest {

    @TempDir
    Path dir;

    @RepeatedTest(5)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aKilledWriterLeavesAWholeCheckpoint() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                CheckpointSaverMain.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        AtomicLong lastPrinted = new AtomicLong(-1);
        CountDownLatch firstSave = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lastPrinted.set(Long.parseLong(line.trim()));
                    firstSave.countDown();
                }
            } catch (Exception e) {
                // the pipe closes when the child dies
            }
        });
        reader.start();
        try {
            assertThat(firstSave.await(30, TimeUnit.SECONDS)).as("the child saved a first checkpoint").isTrue();
            Thread.sleep(300);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        reader.join(10_000);

        long printed = lastPrinted.get();
        Optional<Checkpoint> loaded = new FileCheckpointStore(dir).load();

        assertThat(child.exitValue()).as("killed by SIGKILL").isNotZero();
        assertThat(printed).as("saves completed before the kill").isGreaterThan(1);
        assertThat(loaded).isPresent();
        long sequence = Long.parseLong(loaded.get().position().offset("sequence"));
        assertThat(sequence).isBetween(printed, printed + 1);
        assertThat(loaded.get().metadata().get("sequence")).isEqualTo(Long.toString(sequence));
        assertThat(loaded.get().metadata().get("padding")).hasSize((int) (sequence % 977));
        assertThat(loaded.get().pipeline()).isEqualTo("crash-test");
    }
}
