package dev.cdc.schema.registry;

import java.io.IOException;
import java.util.List;

/**
 * Where a {@link SchemaRegistry} keeps its versions across restarts. The registry calls
 * {@link #load()} once when created and {@link #save} with the whole history after each new
 * version, from one thread at a time; implementations need not be thread-safe beyond that.
 */
public interface SchemaStore {

    /** Every version saved, of every table, in any order; empty when nothing was saved yet. */
    List<SchemaVersion> load() throws IOException;

    /**
     * Replaces what is stored with {@code versions} (every version of every table). When this
     * returns, a crash must not lose them; when it throws, the previous content must be intact.
     */
    void save(List<SchemaVersion> versions) throws IOException;
}
