package dev.cdc.plugins.checkpoint;

import dev.cdc.api.spi.Checkpoint;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
                // To a file, read once the child is dead: destroyForcibly() closes the parent's end of a
                // pipe, so lines the child wrote just before the kill could be lost from a pipe.
                .redirectOutput(dir.resolveSibling(dir.getFileName() + "-saved.txt").toFile())
                .start();
        Path file = dir.resolve("checkpoint.json");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(file) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(file).as("the child saved a first checkpoint").exists();
            Thread.sleep(300);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        String output = Files.readString(dir.resolveSibling(dir.getFileName() + "-saved.txt"), StandardCharsets.UTF_8);
        long lastPrinted = output.lines().map(String::trim).filter(l -> !l.isEmpty())
                .mapToLong(Long::parseLong).max().orElse(-1);

        long printed = lastPrinted;
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
