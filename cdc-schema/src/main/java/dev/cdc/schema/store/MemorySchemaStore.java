package dev.cdc.schema.store;

import dev.cdc.schema.registry.SchemaStore;
import dev.cdc.schema.registry.SchemaVersion;

import java.util.List;

/** A store in memory: the history lives as long as this object. Thread-safe. */
public final class MemorySchemaStore implements SchemaStore {

    private volatile List<SchemaVersion> versions = List.of();

    @Override
    public List<SchemaVersion> load() {
        return versions;
    }

    @Override
    public void save(List<SchemaVersion> newVersions) {
        versions = List.copyOf(newVersions);
    }

    @Override
    public String toString() {
        return "memory schema store";
    }
}
