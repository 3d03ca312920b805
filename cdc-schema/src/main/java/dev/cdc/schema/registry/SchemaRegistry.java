package dev.cdc.schema.registry;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.schema.diff.SchemaDiff;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every version of every table's schema, each with the source position where it took effect.
 * Sources (or the engine on their behalf) {@link #register} each schema they see; registering
 * is idempotent so that replays after a restart find the versions they created before.
 *
 * <p>Two schemas are the same version when they have the same {@link TableSchema#fingerprint()},
 * the same column defaults and the same source type names where both versions know them (the
 * fingerprint leaves defaults and source types out, yet {@code varchar(20)} to {@code varchar(200)}
 * is a change for a SQL target, and a default change is one downstream).
 *
 * <p>Thread-safe: every method may be called from any thread; registrations are serialized,
 * and a new version is saved to the {@link SchemaStore} before it becomes visible.
 */
public final class SchemaRegistry {

    private final SchemaStore store;
    private final Object lock = new Object();
    private final Map<TableId, List<SchemaVersion>> histories = new TreeMap<>();

    private SchemaRegistry(SchemaStore store) {
        this.store = store;
    }

    /**
     * A registry holding what {@code store} has saved.
     *
     * @throws CdcException when the store cannot be read or holds an inconsistent history
     */
    public static SchemaRegistry open(SchemaStore store) {
        Objects.requireNonNull(store, "store");
        SchemaRegistry registry = new SchemaRegistry(store);
        List<SchemaVersion> loaded;
        try {
            loaded = store.load();
        } catch (IOException e) {
            throw new CdcException("cannot read the schema history from " + store + ": " + e.getMessage()
                    + "; fix the file or its permissions (or move it away to start a new history)", e);
        }
        loaded.stream().sorted(Comparator.comparing(SchemaVersion::table).thenComparingInt(SchemaVersion::version))
                .forEach(v -> {
                    List<SchemaVersion> history = registry.histories.computeIfAbsent(v.table(), t -> new ArrayList<>());
                    if (v.version() != history.size() + 1) {
                        throw new CdcException("the schema history in " + store + " has version " + v.version()
                                + " of " + v.table() + " where version " + (history.size() + 1)
                                + " was expected; the store is damaged: restore it or move it away");
                    }
                    history.add(v);
                });
        return registry;
    }

    /** {@link #register(TableSchema, Position, Instant, Map)} with no known renames. */
    public SchemaVersion register(TableSchema schema, Position position, Instant seenAt) {
        return register(schema, position, seenAt, Map.of());
    }

    /**
     * The version of {@code schema} in effect at {@code position}, creating it when it is new.
     * <ul>
     *   <li>At or after the latest version's position: the latest version when the schema is the
     *       same, else a new version whose changes are the diff from the latest
     *       ({@code knownRenames}: old column name to new, as the source reported them).</li>
     *   <li>Before the latest version's position (a replay): the known version with the same
     *       schema, preferring the last one in effect at {@code position}; nothing is created.</li>
     * </ul>
     *
     * @throws CdcException when a replayed position brings a schema never seen, or the store
     *                      cannot save a new version
     */
    public SchemaVersion register(TableSchema schema, Position position, Instant seenAt,
                                  Map<String, String> knownRenames) {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(seenAt, "seenAt");
        Objects.requireNonNull(knownRenames, "knownRenames");
        synchronized (lock) {
            List<SchemaVersion> history = histories.getOrDefault(schema.table(), List.of());
            if (history.isEmpty()) {
                return add(new SchemaVersion(schema.table(), 1, schema.fingerprint(), schema, position, seenAt,
                        List.of(new SchemaChange.CreateTable(schema))));
            }
            SchemaVersion latest = history.get(history.size() - 1);
            if (position.compareTo(latest.position()) >= 0) {
                if (sameVersion(latest.schema(), schema)) {
                    return latest;
                }
                List<SchemaChange> changes = SchemaDiff.betweenReported(latest.schema(), schema, knownRenames);
                return add(new SchemaVersion(schema.table(), latest.version() + 1, schema.fingerprint(), schema,
                        position, seenAt, changes));
            }
            SchemaVersion found = null;
            for (SchemaVersion v : history) {
                if (sameVersion(v.schema(), schema) && (found == null || v.position().compareTo(position) <= 0)) {
                    found = v;
                }
            }
            if (found == null) {
                throw new CdcException("the schema of " + schema.table() + " at position " + position
                        + " (fingerprint " + schema.fingerprint() + ") is none of its " + history.size()
                        + " known versions, but the registry already has version " + latest.version()
                        + " from the later position " + latest.position() + "; the schema history does not match"
                        + " the source: restore the schema history saved with the checkpoint, or start anew");
            }
            return found;
        }
    }

    /** The newest version of {@code table}, if the registry has seen it. */
    public Optional<SchemaVersion> latest(TableId table) {
        synchronized (lock) {
            List<SchemaVersion> history = histories.getOrDefault(table, List.of());
            return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
        }
    }

    /** Every version of {@code table}, oldest first; empty if never seen. */
    public List<SchemaVersion> history(TableId table) {
        synchronized (lock) {
            return List.copyOf(histories.getOrDefault(table, List.of()));
        }
    }

    /** The tables with at least one version, in {@link TableId} order. */
    public List<TableId> tables() {
        synchronized (lock) {
            return List.copyOf(histories.keySet());
        }
    }

    /**
     * The version of {@code table} in effect at {@code position}: the last one whose position's
     * sort key is not greater than {@code position}'s; empty before the first version.
     */
    public Optional<SchemaVersion> versionAt(TableId table, Position position) {
        synchronized (lock) {
            SchemaVersion found = null;
            for (SchemaVersion v : histories.getOrDefault(table, List.of())) {
                if (v.position().compareTo(position) <= 0) {
                    found = v;
                }
            }
            return Optional.ofNullable(found);
        }
    }

    /** Saves the history with {@code version} added, then makes it visible. Called with the lock held. */
    private SchemaVersion add(SchemaVersion version) {
        List<SchemaVersion> all = new ArrayList<>();
        histories.values().forEach(all::addAll);
        all.add(version);
        try {
            store.save(all);
        } catch (IOException e) {
            throw new CdcException("cannot save version " + version.version() + " of the schema of " + version.table()
                    + " to " + store + ": " + e.getMessage() + "; check the disk space and permissions of the "
                    + "schema history's directory", e);
        }
        histories.computeIfAbsent(version.table(), t -> new ArrayList<>()).add(version);
        return version;
    }

    /**
     * Whether two schemas of a table are one version: the same fingerprint, column defaults and,
     * where both know them, source type names. A source uses it to decide whether a table's shape
     * changed enough to announce.
     */
    public static boolean sameVersion(TableSchema a, TableSchema b) {
        if (!a.fingerprint().equals(b.fingerprint())) {
            return false;
        }
        for (int i = 0; i < a.columns().size(); i++) {
            Column x = a.columns().get(i);
            Column y = b.columns().get(i);
            if (!x.defaultValue().equals(y.defaultValue()) || SchemaDiff.sourceTypeChanged(x, y)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "SchemaRegistry[" + store + "]";
    }
}
