package dev.cdc.core.schema;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
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
    private final Map<TableId, InEffect> current = new ConcurrentHashMap<>();

    /**
     * A version in effect and the position of the next known version ({@code null} for none): a
     * row at or after it has the next shape even when the source did not replay that change.
     */
    private record InEffect(Optional<SchemaVersion> version, Position next) {
        boolean covers(Position position) {
            return next == null || position.compareTo(next) < 0;
        }
    }

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
            current.put(event.table(), new InEffect(Optional.empty(), null));
            List<SchemaChange> changes = event.changes().isEmpty()
                    ? List.of(new SchemaChange.DropTable(event.table())) : event.changes();
            Optional<SchemaVersion> last = registry.versionAt(event.table(), event.position());
            return new Registered(event.withChanges(event.before().or(() -> last.map(SchemaVersion::schema)), changes),
                    Optional.empty());
        }
        SchemaVersion version = registry.register(event.after().get(), event.position(), clock.instant(),
                renames(event.changes()));
        current.put(event.table(), inEffect(event.table(), Optional.of(version)));
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
        return stamp(event, versionOf(event));
    }

    /** The event stamped with {@code version} (from {@link #versionOf}) unless the source set one. */
    public ChangeEvent stamp(ChangeEvent event, Optional<SchemaVersion> version) {
        if (event.schemaVersion() != 0 || version.isEmpty()) {
            return event;
        }
        return event.withSchemaVersion(version.get().version());
    }

    /**
     * The version of the event's table in effect at its position: the last one the stream
     * registered, or when the stream has not announced one yet or the event lies at or after a
     * later known version (a source that replays rows without their schema change after a
     * restart), the history's version at the event's position.
     */
    public Optional<SchemaVersion> versionOf(ChangeEvent event) {
        InEffect known = current.get(event.table());
        if (known == null || !known.covers(event.position())) {
            known = inEffect(event.table(), registry.versionAt(event.table(), event.position()));
            current.put(event.table(), known);
        }
        return known.version();
    }

    private InEffect inEffect(TableId table, Optional<SchemaVersion> version) {
        List<SchemaVersion> history = registry.history(table);
        int next = version.map(SchemaVersion::version).orElse(0); // index of the next version
        return new InEffect(version, next < history.size() ? history.get(next).position() : null);
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
