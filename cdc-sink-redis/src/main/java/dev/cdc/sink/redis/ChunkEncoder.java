package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;

/** Turns events into one mode's script arguments. Used by one thread. */
interface ChunkEncoder {

    /** The script's resource name, beside common.lua. */
    String script();

    /** The header arguments of a run (ARGV before the group count). */
    byte[][] header(boolean bytewise);

    /** Whether the script reads the events' arguments as one MessagePack array ({@link ScriptChunk#packedArgs}). */
    default boolean packed() {
        return false;
    }

    /** Adds the event's keys and arguments to the chunk. */
    void add(ChangeEvent event, ScriptChunk chunk);
}
