package dev.cdc.source.mysql.backfill;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.backfill.BackfillRunner;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Backfills with no log to interleave with ({@code snapshot-mode: initial-only}): the shared
 * {@link BackfillRunner}'s chunk loop, with each watermark delivered straight back instead of
 * through the binlog, so every chunk is read and emitted as it is (no change can come between its
 * watermarks). Runs every queued request to its end, then returns. Source thread only.
 */
public final class OfflineBackfills implements BackfillRunner.Database {

    /** The position of the {@code n}-th event these backfills emit (increasing with {@code n}). */
    @FunctionalInterface
    public interface Positions {
        Position at(long n);
    }

    private final BackfillRunner.Database database;
    private final Deque<String> written = new ArrayDeque<>();

    /** @param database the source's tables and read connection (its watermark writes are not used) */
    public OfflineBackfills(BackfillRunner.Database database) {
        this.database = database;
    }

    /**
     * Runs the queued requests chunk by chunk until none is left (or the pipeline stops).
     *
     * @param first the number of the first event's position
     * @return the number after the last event's position
     */
    public long run(SourceContext context, int chunkSize, long first, Positions positions)
            throws SQLException, InterruptedException {
        BackfillRunner runner = new BackfillRunner(context, this, chunkSize);
        long next = first;
        while (!context.isStopping()) {
            runner.poll();
            if (!runner.inFlight()) {
                return next;
            }
            long base = next;
            long[] used = {0};
            while (!written.isEmpty()) {
                runner.watermark(written.poll(), i -> {
                    used[0] = Math.max(used[0], i + 1L);
                    return positions.at(base + i);
                }, context::emit);
            }
            next = base + used[0];
        }
        return next;
    }

    @Override
    public Optional<BackfillRunner.BackfillTable> table(TableId table) throws SQLException {
        return database.table(table);
    }

    @Override
    public void watermark(String text) {
        written.add(text);
    }

    @Override
    public Connection readConnection() throws SQLException {
        return database.readConnection();
    }
}
