package dev.cdc.core.runtime;

import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A checkpoint store for runtime tests that remembers every save. */
final class MemoryStore implements CheckpointStore {
    final List<Checkpoint> saved = new CopyOnWriteArrayList<>();

    @Override
    public Optional<Checkpoint> load() {
        return saved.isEmpty() ? Optional.empty() : Optional.of(saved.get(saved.size() - 1));
    }

    @Override
    public void save(Checkpoint checkpoint) {
        saved.add(checkpoint);
    }

    long lastSequence() {
        return load().map(c -> Long.parseLong(c.position().offset("sequence"))).orElse(-1L);
    }
}
