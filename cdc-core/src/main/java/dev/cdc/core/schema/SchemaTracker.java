package dev.cdc.core.schema;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.schema.registry.SchemaRegistry;
import dev.cdc.schema.registry.SchemaStore;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.schema.store.FileSchemaStore;
import dev.cdc.schema.store.MemorySchemaStore;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's schema history, fed from the source's stream before any filter or transform
 * (so it describes the source's tables): every {@link SchemaChangeEvent} is registered at its
 * position, which is idempotent when a restart replays it, and gets the previous schema and the
 * changes the registry computed when the source did not say them; every row event is stamped
 * with the version of its table's schema in effect ({@link ChangeEvent#schemaVersion()}), also
 * for a table whose schema was registered before a restart.
 *
 * <p>Thread-safe: sources may emit from several threads.
 */
public final class SchemaTracker {

    /** A registered schema change: the event, completed, and the version in effect after it (none for a dropped table). */
    public record Registered(SchemaChangeEvent event, Optional<SchemaVersion> version) {
    }

    private final SchemaRegistry registry;
    private final Clock clock;
    /** The version in effect at the head of the stream, per table; absent when the stream has not said yet. */
    private final Map<TableId, Optional<SchemaVersion>> current = new ConcurrentHashMap<>();

    public SchemaTracker(SchemaRegistry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The store of a pipeline's schema history: {@code schema-history.json} in the state
     * directory (the file checkpoint's directory), or memory when the pipeline has none.
     */
    public static SchemaStore store(Optional<Path> stateDirectory) {
        return stateDirectory.<SchemaStore>map(FileSchemaStore::new).orElseGet(MemorySchemaStore::new);
    }

    public SchemaRegistry registry() {
        return registry;
    }

    /**
     * Registers the schema a change leads to, and completes the event: when the source gave no
     * changes, they are the registry's diff from the previous version (none when the schema
     * stays what it was, as when a source announces its tables again after a restart); when it
     * gave no previous schema, it is the registry's.
     */
    public Registered register(SchemaChangeEvent event) {
        if (event.after().isEmpty()) {
            current.put(event.table(), Optional.empty());
            List<SchemaChange> changes = event.changes().isEmpty()
                    ? List.of(new SchemaChange.DropTable(event.table())) : event.changes();
            Optional<SchemaVersion> last = registry.versionAt(event.table(), event.position());
            return new Registered(event.withChanges(event.before().or(() -> last.map(SchemaVersion::schema)), changes),
                    Optional.empty());
        }
        SchemaVersion version = registry.register(event.after().get(), event.position(), clock.instant(),
                renames(event.changes()));
        current.put(event.table(), Optional.of(version));
        Optional<SchemaVersion> previous = version.version() > 1
                ? Optional.of(registry.history(event.table()).get(version.version() - 2)) : Optional.empty();
        SchemaChangeEvent completed = event;
        boolean takesEffectHere = version.position().equals(event.position());
        if (event.changes().isEmpty()) {
            completed = takesEffectHere
                    ? event.withChanges(event.before().or(() -> previous.map(SchemaVersion::schema)), version.changes())
                    : event.withChanges(event.before().or(() -> Optional.of(version.schema())), List.of());
        } else if (event.before().isEmpty() && takesEffectHere && previous.isPresent()) {
            completed = event.withChanges(previous.map(SchemaVersion::schema), event.changes());
        }
        return new Registered(completed, Optional.of(version));
    }

    /** The event with the version of its table's schema in effect; unchanged when the source set one or none is known. */
    public ChangeEvent stamp(ChangeEvent event) {
        if (event.schemaVersion() != 0) {
            return event;
        }
        Optional<SchemaVersion> version = current.computeIfAbsent(event.table(),
                t -> registry.versionAt(t, event.position()));
        return version.isPresent() ? event.withSchemaVersion(version.get().version()) : event;
    }

    /** The column renames among {@code changes}, old name to new. */
    static Map<String, String> renames(List<SchemaChange> changes) {
        Map<String, String> renames = new HashMap<>();
        for (SchemaChange c : changes) {
            if (c instanceof SchemaChange.RenameColumn r) {
                renames.put(r.from(), r.to());
            }
        }
        return renames;
    }
}
