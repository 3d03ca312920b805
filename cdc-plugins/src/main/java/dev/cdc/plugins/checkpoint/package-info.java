/**
 * Checkpoint stores: {@code file} (a JSON file replaced atomically and fsynced, so a crash at
 * any point leaves the old or the new checkpoint) and {@code memory}; and the checkpoint's
 * JSON form ({@link dev.cdc.format.CheckpointCodec}, shared with the {@code kafka} store).
 */
package dev.cdc.plugins.checkpoint;
