package dev.cdc.plugins.checkpoint;

import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryCheckpointStoreTest {

    @Test
    void keepsTheLastSavedCheckpoint() {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        Checkpoint first = new Checkpoint("p", Position.ofSequence(1), Instant.EPOCH, Map.of());
        Checkpoint second = new Checkpoint("p", Position.ofSequence(2), Instant.EPOCH, Map.of());

        assertThat(store.load()).isEmpty();
        store.save(first);
        store.save(second);

        assertThat(store.load()).contains(second);
        assertThat(new MemoryCheckpointStore(first).load()).contains(first);
    }
}
