package dev.cdc.plugins.checkpoint;

import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;

import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the last checkpoint in memory: for tests, and for embedding applications that keep
 * positions themselves. Saves from one thread; {@link #load} may be called from any thread.
 */
public final class MemoryCheckpointStore implements CheckpointStore {

    private volatile Checkpoint last;

    public MemoryCheckpointStore() {
    }

    /** A store that starts with a checkpoint, as if it had been saved. */
    public MemoryCheckpointStore(Checkpoint initial) {
        this.last = Objects.requireNonNull(initial, "initial");
    }

    @Override
    public Optional<Checkpoint> load() {
        return Optional.ofNullable(last);
    }

    @Override
    public void save(Checkpoint checkpoint) {
        last = Objects.requireNonNull(checkpoint, "checkpoint");
    }

    @Override
    public String describe() {
        return "memory (lost on exit)";
    }

    /** Nothing to release; the checkpoint stays readable. */
    @Override
    public void close() {
    }
}
