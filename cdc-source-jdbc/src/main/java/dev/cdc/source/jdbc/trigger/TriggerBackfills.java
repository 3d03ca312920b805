package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.backfill.BackfillRunner;
import dev.cdc.source.jdbc.JdbcSourceConfig;
import dev.cdc.source.jdbc.backfill.JdbcBackfillDatabase;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.dialect.ChangeLogSql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Backfills of {@code jdbc-trigger} ({@link BackfillRunner}): a watermark is a row of the change
 * log itself ({@code op} {@value ChangeLogSql#WATERMARK_OP}, the mark in {@code after_row}),
 * committed on its own, so the reader meets it in change order like any change and never turns it
 * into an event; a checkpoint past it removes it with the other rows. The reader's order is what
 * makes the window exact: a change not visible to a chunk's read commits after it, and the reader
 * delivers every change ordered before the high watermark before the watermark itself (it waits
 * for a missing id, or for the oldest running transaction on PostgreSQL), so it closes the
 * chunk's key in time. A chunk's events go at the high watermark's row ({@link LogReader#chunkPosition}).
 * Source thread only.
 */
final class TriggerBackfills implements AutoCloseable {

    private final JdbcSourceConfig config;
    private final SourceContext context;
    private final JdbcBackfillDatabase database;
    private final BackfillRunner runner;

    TriggerBackfills(JdbcSourceConfig config, SourceContext context, Supplier<Connection> connection,
                     Supplier<List<JdbcTable>> captured, String logSql, String insertWatermark) {
        this.config = config;
        this.context = context;
        this.database = new JdbcBackfillDatabase(config, connection, captured, (text, events) -> {
            try (PreparedStatement st = connection.get().prepareStatement(insertWatermark)) {
                st.setString(1, text);
                if (events == null) {
                    st.setNull(2, Types.VARCHAR);
                } else {
                    st.setString(2, Integer.toString(events));
                }
                st.executeUpdate();
            } catch (SQLException e) {
                throw new SQLException("writing a backfill watermark into the change log " + logSql + " failed ("
                        + e.getMessage() + "); the source's user needs INSERT on it", e.getSQLState(),
                        e.getErrorCode(), e);
            }
        });
        this.runner = new BackfillRunner(context, database, config.backfillChunkSize());
    }

    /**
     * Between reads of the log: starts the next chunk when none is in flight.
     *
     * @return true when a chunk was started now (its watermarks are in the log: read on at once)
     */
    boolean poll() {
        if (runner.inFlight()) {
            return false;
        }
        try {
            runner.poll();
            return runner.inFlight();
        } catch (SQLException e) {
            database.close();
            throw new RetriableException("a backfill chunk's watermark or read failed: " + e.getMessage(), e);
        }
    }

    static boolean isWatermark(LogReader.Item item) {
        return ChangeLogSql.WATERMARK_OP.equals(item.row().op());
    }

    /** A change the reader turned into events, in log order. */
    void changed(List<StreamEvent> events, int from) {
        for (int i = from; i < events.size(); i++) {
            runner.changed(events.get(i));
        }
    }

    /**
     * A watermark row in log order: at the high watermark of the chunk in flight, emits {@code before}
     * (the changes read before it, then cleared) and then the chunk, its table's schema first when
     * this run has not announced it in the shape the chunk was read in.
     */
    void watermark(LogReader.Item item, LogReader reader, ChangeEvents events, List<StreamEvent> before)
            throws InterruptedException {
        long reserved = LogReader.reserved(item.row());
        runner.watermark(item.row().after() == null ? "" : item.row().after(),
                i -> reader.chunkPosition(item.position(), reserved, i), chunk -> {
                    if (!before.isEmpty()) {
                        context.emit(new ArrayList<>(before));
                        before.clear();
                    }
                    TableId table = ((ChangeEvent) chunk.get(0)).table();
                    List<StreamEvent> out = new ArrayList<>(Math.min(chunk.size() + 1, config.batchSize()));
                    database.shape(table).ifPresent(shape -> events.announceChunk(shape,
                            reader.schemaPosition(reader.chunkPosition(item.position(), reserved, 0)), Instant.now(), out));
                    for (StreamEvent e : chunk) {
                        out.add(e);
                        if (out.size() >= config.batchSize()) {
                            context.emit(List.copyOf(out));
                            out.clear();
                        }
                    }
                    if (!out.isEmpty()) {
                        context.emit(out);
                    }
                });
    }

    @Override
    public void close() {
        database.close();
    }
}
