package dev.cdc.api.spi;

import java.util.Optional;

/**
 * Keeps a pipeline's last checkpoint. {@link #save} returns only when the checkpoint is durable
 * (it survives a crash of the process and of the machine); a crash during {@code save} leaves
 * either the old or the new checkpoint, never a broken one. Called from one thread.
 */
public interface CheckpointStore extends AutoCloseable {

    Optional<Checkpoint> load() throws Exception;

    void save(Checkpoint checkpoint) throws Exception;

    /** Where the store keeps checkpoints, for messages ("file /var/lib/cdc/orders.json"). */
    default String describe() {
        return getClass().getSimpleName();
    }

    @Override
    default void close() throws Exception {
    }
}
