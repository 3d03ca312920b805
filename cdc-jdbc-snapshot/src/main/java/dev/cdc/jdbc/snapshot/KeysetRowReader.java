package dev.cdc.jdbc.snapshot;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.verify.RowReader;
import dev.cdc.api.verify.SourceRow;
import dev.cdc.jdbc.snapshot.backfill.KeyListReader;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunk and key reads of a {@link RowReader} for a JDBC source, given how each table is read
 * ({@link KeysetTable}, the one its snapshot uses): chunks through {@link ChunkReader}, keys
 * through {@link KeyListReader}, each row as a READ event. A source supplies the connection, its
 * tables and their {@link KeysetTable}s (each asked for once per table, then kept).
 */
public abstract class KeysetRowReader implements RowReader {

    /** At most this many keys go into one statement. */
    private static final int KEYS_PER_STATEMENT = 500;
    /** The position of every row read back (immutable; made once, not per row). */
    private static final Position READ_BACK = Position.ofSequence(0);

    private final Clock clock;
    private final Map<TableId, KeysetTable> keysets = new ConcurrentHashMap<>();

    protected KeysetRowReader(Clock clock) {
        this.clock = clock;
    }

    /** The open connection the reads run on (autocommit: each chunk sees the latest committed rows). */
    protected abstract Connection connection();

    /** How the table is read, as its snapshot reads it (asked once per table; then kept). */
    protected abstract KeysetTable describe(TableId table) throws SQLException;

    private KeysetTable keyset(TableId table) throws SQLException {
        KeysetTable known = keysets.get(table);
        if (known == null) {
            known = describe(table);
            keysets.put(table, known);
        }
        return known;
    }

    @Override
    public List<String> keyColumns(TableId table) throws SQLException {
        return keyset(table).keyColumns();
    }

    @Override
    public List<SourceRow> readChunk(TableId table, Optional<List<String>> after, int limit)
            throws SQLException, InterruptedException {
        KeysetTable t = keyset(table);
        List<SourceRow> rows = new ArrayList<>(limit);
        KeyRange range = KeyRange.after(after.map(k -> k.toArray(String[]::new)).orElse(null));
        Instant now = clock.instant();
        ChunkReader.read(connection(), t, range, Optional.empty(), limit, r -> rows.add(row(table, r, now)));
        return rows;
    }

    @Override
    public List<SourceRow> readKeys(TableId table, List<List<String>> keys) throws SQLException {
        List<SourceRow> rows = new ArrayList<>(keys.size());
        KeysetTable t = keyset(table);
        Instant now = clock.instant();
        for (int from = 0; from < keys.size(); from += KEYS_PER_STATEMENT) {
            List<List<String>> part = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_STATEMENT));
            KeyListReader.read(connection(), t, part).found().forEach(r -> rows.add(row(table, r, now)));
        }
        return rows;
    }

    /** A row as a READ event; {@code now} (one per statement) is its commit time. */
    private static SourceRow row(TableId table, ReadRow r, Instant now) {
        ChangeEvent e = ChangeEvent.read(table, r.key(), r.row(), now, READ_BACK);
        return new SourceRow(e, Arrays.asList(r.keys()));
    }
}
