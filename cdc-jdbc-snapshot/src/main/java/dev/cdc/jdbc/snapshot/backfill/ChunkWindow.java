package dev.cdc.jdbc.snapshot.backfill;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.ReadRow;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One backfill chunk between its watermarks (DBLog's window): the rows the chunk read and the keys
 * it looked for and did not find, minus every key of the table that the log changed while the
 * window was open. The window opens as soon as the chunk is read, before its low watermark comes
 * through the log: that also drops the keys of a transaction that committed just before the low
 * watermark but was not yet visible to the chunk's read. It closes at the high watermark: what is
 * left is emitted there, after every change the chunk may have missed, so a backfilled row never
 * replaces a newer streamed one. A TRUNCATE of the table in the window drops the whole chunk.
 * Pure; used from the source thread only.
 */
public final class ChunkWindow {

    private final Watermark low;
    private final TableId table;
    private final List<ReadRow> rows;
    private final List<Row> absent;
    private final List<String> keyColumns;
    private final Set<Row> changed = new HashSet<>();
    private boolean truncated;
    private boolean lowSeen;

    /**
     * @param low        the chunk's low watermark
     * @param table      the table read
     * @param keyColumns the table's key columns (names as in the events' rows)
     * @param rows       the rows read, in key order
     * @param absent     keys asked for by a key-list backfill that the table does not hold
     */
    public ChunkWindow(Watermark low, TableId table, List<String> keyColumns, List<ReadRow> rows, List<Row> absent) {
        this.low = Objects.requireNonNull(low, "low");
        this.table = Objects.requireNonNull(table, "table");
        this.keyColumns = List.copyOf(keyColumns);
        this.rows = List.copyOf(rows);
        this.absent = List.copyOf(absent);
    }

    public Watermark low() {
        return low;
    }

    public Watermark high() {
        return low.other();
    }

    public TableId table() {
        return table;
    }

    /** A change the log delivered while the window is open; changes of other tables are ignored. */
    public void changed(ChangeEvent event) {
        if (!event.table().equals(table)) {
            return;
        }
        if (event.operation() == Operation.TRUNCATE) {
            truncated = true;
            return;
        }
        changed.add(event.key());
        // an update of the key: the old key changed too
        event.before().filter(b -> b.columns().containsAll(keyColumns)).ifPresent(b -> changed.add(b.project(keyColumns)));
    }

    /** The low watermark came through the log. */
    public void lowSeen() {
        lowSeen = true;
    }

    public boolean lowWasSeen() {
        return lowSeen;
    }

    /** How many rows the chunk read (before the window dropped any). */
    public int rowsRead() {
        return rows.size();
    }

    /** The rows to emit as READ events at the high watermark. */
    public List<ReadRow> rows() {
        return truncated ? List.of() : rows.stream().filter(r -> !changed.contains(r.key())).toList();
    }

    /** The keys to emit as DELETE events at the high watermark. */
    public List<Row> absent() {
        return truncated ? List.of() : absent.stream().filter(k -> !changed.contains(k)).toList();
    }

    /** How many keys the log changed in the window (for the logs). */
    public int changedKeys() {
        return changed.size();
    }
}
