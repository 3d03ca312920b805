package dev.cdc.source.jdbc.query;

import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.backfill.BackfillRunner;
import dev.cdc.source.jdbc.JdbcSourceConfig;
import dev.cdc.source.jdbc.backfill.JdbcBackfillDatabase;
import dev.cdc.source.jdbc.catalog.JdbcTable;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Backfills of {@code jdbc-query}. There is no log to write watermarks through, and none is needed:
 * every row carries its version (the cursor column), so a chunk is read and emitted at once
 * ({@link BackfillRunner#emitNow}), each row placed by its version against the poll cursor
 * ({@link QueryTable#backfilled}): at the cursor when the poller has passed its version (above every
 * copy a sink holds, below every later version), else at its own version. A sink's sort-key guard
 * then keeps whichever is newer, the backfilled row or a polled one, whatever order they arrive in:
 * a backfilled row never replaces a newer version.
 *
 * <p>Those sort keys do not grow in emission order, so a chunk is reported
 * ({@link SourceContext#backfillChunk}) only once a checkpoint covers it: at the committed position,
 * when its emission number ({@code e}) has passed the chunk's last event. Source thread, except
 * {@link #committed} (the checkpoint thread).
 */
final class QueryBackfills implements AutoCloseable {

    /** How the source places a chunk's events (positions, soft deletes), in order. */
    interface Placement {
        List<StreamEvent> place(List<StreamEvent> chunk) throws SQLException;

        /** How many events the source has emitted so far this run. */
        long emitted();
    }

    private record Pending(String id, List<String> lastKey, long rows, long rowsEstimated, boolean finished,
                           long lastEmission) {
    }

    private final SourceContext context;
    private final JdbcBackfillDatabase database;
    private final BackfillRunner runner;
    private final Placement placement;
    private final int batchSize;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final AtomicReference<Position> committed = new AtomicReference<>();

    QueryBackfills(JdbcSourceConfig config, SourceContext context, Supplier<Connection> connection,
                   Supplier<List<JdbcTable>> captured, Placement placement) {
        this.context = context;
        this.placement = placement;
        this.batchSize = config.batchSize();
        this.database = new JdbcBackfillDatabase(config, connection, captured, (text, events) -> { });
        this.runner = new BackfillRunner(context, database, config.backfillChunkSize(),
                this::emitted);
    }

    /**
     * Between polls: reports the chunks a checkpoint now covers, then reads and emits the next chunk.
     *
     * @return true when a chunk was read (the caller polls again without waiting)
     */
    boolean poll() throws InterruptedException {
        report();
        try {
            return runner.emitNow(i -> Position.ofSequence(i), chunk -> {
                List<StreamEvent> out;
                try {
                    out = placement.place(chunk);
                } catch (SQLException e) {
                    throw new RetriableException("placing a backfill chunk failed: " + e.getMessage(), e);
                }
                for (int from = 0; from < out.size(); from += batchSize) {
                    context.emit(out.subList(from, Math.min(out.size(), from + batchSize)));
                }
            });
        } catch (SQLException e) {
            database.close();
            throw new RetriableException("a backfill chunk's read failed: " + e.getMessage(), e);
        }
    }

    /** A chunk's events were emitted: it is reported once a checkpoint covers its last event. */
    private void emitted(String id, List<String> lastKey, Position at, long rows, long estimate, boolean finished) {
        if (rows == 0 && pending.isEmpty()) { // nothing to make durable: reported at once
            Position p = committed.get();
            context.backfillChunk(id, lastKey, p == null ? Position.ofSequence(0) : p, 0, estimate, finished);
            return;
        }
        pending.add(new Pending(id, lastKey, rows, estimate, finished, placement.emitted()));
    }

    /** Whether {@code e} is a listed key's DELETE (the table does not hold it), not a chunk row. */
    static boolean isAbsentKey(StreamEvent e) {
        return e instanceof ChangeEvent c && c.operation() == Operation.DELETE;
    }

    /** A checkpoint was committed at {@code position} (checkpoint thread). */
    void committed(Position position) {
        committed.set(position);
    }

    private void report() {
        Position p = committed.get();
        String e = p == null ? null : p.offsets().get(QueryTable.EMISSION);
        if (e == null) {
            return;
        }
        long upTo = Long.parseLong(e);
        while (!pending.isEmpty() && pending.peek().lastEmission() <= upTo) {
            Pending c = pending.poll();
            context.backfillChunk(c.id(), c.lastKey(), p, c.rows(), c.rowsEstimated(), c.finished());
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
