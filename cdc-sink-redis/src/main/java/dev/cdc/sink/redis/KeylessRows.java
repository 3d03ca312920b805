package dev.cdc.sink.redis;

import dev.cdc.api.error.PartialWriteException.EventFailure;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.format.RowHash;
import dev.cdc.format.KeylessTables;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rows of tables without a primary key in the row modes ({@code hash}, {@code json}), which key
 * every row: per {@code keyless-tables}, {@code hash} keys each row by a SHA-256 of its values
 * ({@link RowHash}; an update deletes the old row's key and writes the new row's, so it needs the
 * before row), {@code skip} leaves them out (counted), {@code fail} fails each row. Each table is
 * reported once in the log, at its schema (pipeline start) or its first row. Used by one thread.
 */
final class KeylessRows {

    private static final System.Logger LOG = System.getLogger(KeylessRows.class.getName());
    /** The key column of a keyless row: its hash. */
    static final String HASH_COLUMN = "__cdc_row_hash";

    private final KeylessTables policy;
    private final String sink;
    private final Set<TableId> reported = new HashSet<>();
    /** The event each keyed copy was made from, so a failure names the event the engine sent. */
    private final Map<ChangeEvent, ChangeEvent> origins = new IdentityHashMap<>();
    private long skipped;

    KeylessRows(KeylessTables policy, String sink) {
        this.policy = policy;
        this.sink = sink;
    }

    /**
     * The events with every keyless row event replaced per the policy (left out, failed into
     * {@code failures}, or keyed by its hash); events with a key, and truncates, as they are.
     */
    List<ChangeEvent> keyed(List<ChangeEvent> events, List<EventFailure> failures) {
        List<ChangeEvent> out = null;
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent e = events.get(i);
            boolean keyless = e.key().isEmpty() && e.operation() != Operation.TRUNCATE;
            if (keyless && out == null) {
                out = new ArrayList<>(events.subList(0, i));
            }
            if (!keyless) {
                if (out != null) {
                    out.add(e);
                }
                continue;
            }
            report(e.table());
            switch (policy) {
                case SKIP -> skipped++;
                case FAIL -> failures.add(new EventFailure(e, "table " + e.table() + " has no primary key, so its"
                        + " rows have no Redis key; give the table a primary key, set keyless-tables: hash (keys"
                        + " rows by a hash of their values) or skip, or use mode: stream", false));
                case HASH -> hashed(e, out, failures);
            }
        }
        return out == null ? events : out;
    }

    private void hashed(ChangeEvent e, List<ChangeEvent> out, List<EventFailure> failures) {
        try {
            if (e.operation() == Operation.UPDATE || e.operation() == Operation.DELETE) {
                Row before = e.before().orElse(null);
                if (before == null) {
                    failures.add(new EventFailure(e, "an " + e.operation() + " of " + e.table() + " (no primary key)"
                            + " has no before row, so the Redis key of the old row is unknown; send full before"
                            + " rows (PostgreSQL: REPLICA IDENTITY FULL) or set keyless-tables: skip", false));
                    return;
                }
                add(out, ChangeEvent.delete(e.table(), key(e.table(), before), before, e.commitTime(), e.position())
                        .withSchemaVersion(e.schemaVersion()), e);
            }
            if (e.operation() != Operation.DELETE) {
                Row after = e.after().orElseThrow();
                add(out, e.withKey(key(e.table(), after)).withRows(java.util.Optional.empty(), e.after()), e);
            }
        } catch (IllegalArgumentException ex) {
            failures.add(new EventFailure(e, ex.getMessage(), false));
        }
    }

    private void add(List<ChangeEvent> out, ChangeEvent keyed, ChangeEvent origin) {
        out.add(keyed);
        origins.put(keyed, origin);
    }

    private static Row key(TableId table, Row row) {
        return Row.of(HASH_COLUMN, RowHash.of(table, row));
    }

    /** Forgets which keyed copy came from which event (once their replies are in). */
    void forget() {
        origins.clear();
    }

    /** The event the engine sent for an event of a {@link #keyed} result not yet forgotten. */
    ChangeEvent origin(ChangeEvent e) {
        return origins.getOrDefault(e, e);
    }

    /** Says once, for each keyless table, what the sink does with its rows. */
    void report(TableId table) {
        if (!reported.add(table)) {
            return;
        }
        policy.report(LOG, sink, table, "keyed by", "key");
    }

    long skipped() {
        return skipped;
    }
}
