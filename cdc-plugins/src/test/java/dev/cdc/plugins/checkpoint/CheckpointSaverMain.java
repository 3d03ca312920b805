package dev.cdc.plugins.checkpoint;

import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Run in a child JVM by {@link FileCheckpointStoreCrashTest}: saves checkpoints with increasing
 * sequence numbers in a tight loop and prints each number after its save returned, until killed.
 */
public final class CheckpointSaverMain {

    private CheckpointSaverMain() {
    }

    public static void main(String[] args) throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(Path.of(args[0]));
        for (long sequence = 1; ; sequence++) {
            store.save(new Checkpoint("crash-test", Position.ofSequence(sequence), Instant.now(),
                    Map.of("sequence", Long.toString(sequence), "padding", "x".repeat((int) (sequence % 977)))));
            System.out.println(sequence);
            System.out.flush();
        }
    }
}
