package dev.cdc.jdbc.snapshot.backfill;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SourceContext;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Backfills with no log to interleave with ({@code snapshot-mode: initial-only} of the PostgreSQL
 * and MySQL sources): the shared {@link BackfillRunner}'s chunk loop, each chunk emitted as soon as
 * it is read ({@link BackfillRunner#emitNow}), since no change can come between its watermarks.
 * Nothing is written to the database. Runs every queued request to its end, then returns. Source
 * thread only.
 */
public final class LoglessBackfills {

    /** The position of the {@code n}-th event these backfills emit (increasing with {@code n}). */
    @FunctionalInterface
    public interface Positions {
        Position at(long n);
    }

    private LoglessBackfills() {
    }

    /**
     * Runs the queued requests chunk by chunk until none is left (or the pipeline stops).
     *
     * @param database the source's tables and read connection (its watermark writes are not used)
     * @param first    the number of the first event's position
     * @return the number after the last event's position
     */
    public static long run(SourceContext context, BackfillRunner.Database database, int chunkSize, long first,
                           Positions positions) throws SQLException, InterruptedException {
        BackfillRunner runner = new BackfillRunner(context, new ReadOnly(database), chunkSize);
        long next = first;
        while (!context.isStopping()) {
            long base = next;
            long[] used = {0};
            boolean emitted = runner.emitNow(i -> {
                used[0] = Math.max(used[0], i + 1L);
                return positions.at(base + i);
            }, context::emit);
            if (!emitted) {
                return next;
            }
            next = base + used[0];
        }
        return next;
    }

    /** The source's tables and reads, with watermarks written nowhere. */
    private record ReadOnly(BackfillRunner.Database database) implements BackfillRunner.Database {
        @Override
        public Optional<BackfillRunner.BackfillTable> table(TableId table) throws SQLException {
            return database.table(table);
        }

        @Override
        public void watermark(String text) {
        }

        @Override
        public void highWatermark(String text, int events) {
        }

        @Override
        public Connection readConnection() throws SQLException {
            return database.readConnection();
        }
    }
}
