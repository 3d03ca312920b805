package dev.cdc.jdbc.snapshot.backfill;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.ChunkReader;
import dev.cdc.jdbc.snapshot.KeyRange;
import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.jdbc.snapshot.ReadRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs the backfills a streaming source is asked for ({@link SourceContext#backfills()}), one
 * chunk at a time, interleaved with its log by DBLog's watermarks. Driven by the source thread:
 * <ol>
 *   <li>{@link #poll} between batches of the stream: with no chunk in flight, takes the first
 *       request, writes its chunk's low watermark through the log, reads the chunk (keyset after
 *       the request's resume point, or the next slice of its key list) on its own connection, and
 *       writes the high watermark. A chunk is at most {@code chunkSize} rows, so the stream waits
 *       one bounded query.</li>
 *   <li>{@link #changed} for every change the log delivers: a key of the chunk's table changed
 *       while the chunk is in flight leaves the chunk ({@link ChunkWindow}).</li>
 *   <li>{@link #watermark} for every watermark the log delivers: at the chunk's high watermark the
 *       rows left are emitted as READ events (and the absent keys of a key list as DELETE events)
 *       at positions the source gives (the high watermark's), then
 *       {@link SourceContext#backfillChunk} reports the chunk.</li>
 * </ol>
 * A stream that restarts ({@link #restart}) forgets the chunk in flight; it is read again under a
 * new chunk number. Not thread-safe.
 */
public final class BackfillRunner {

    private static final Logger LOG = LoggerFactory.getLogger(BackfillRunner.class);
    private static final int MAX_PARAMETERS = 60_000;

    /** The database side, in the source's dialect. */
    public interface Database {
        /** How to read the table in key order, or empty when the source does not capture it. */
        Optional<BackfillTable> table(TableId table) throws SQLException;

        /** Writes a watermark through the log, committed at once. */
        void watermark(String text) throws SQLException;

        /**
         * Writes a chunk's high watermark, which is followed by at most {@code events} events of the
         * chunk: a source whose positions must reserve room for them records the number with the
         * mark (the jdbc-trigger source on PostgreSQL). By default {@link #watermark(String)}.
         */
        default void highWatermark(String text, int events) throws SQLException {
            watermark(text);
        }

        /** A connection for chunk reads (not the one watermarks are written through). */
        Connection readConnection() throws SQLException;
    }

    /**
     * A table to backfill.
     *
     * @param keyset        how it is read (its rows decoded exactly as the snapshot decodes them)
     * @param keyColumns    its key columns' names, as in the events' rows
     * @param keyOf         the key row of a key given as text (for the DELETE of an absent key)
     * @param rowsEstimated the table's estimated row count, or -1
     */
    public record BackfillTable(KeysetTable keyset, List<String> keyColumns, Function<List<String>, Row> keyOf,
                                long rowsEstimated) {
    }

    /** Where the events of a chunk go, at its high watermark. */
    public interface Emitter {
        /**
         * Emits the chunk's events; {@code positions.at(i)} is the position of the i-th (all of them
         * at the high watermark, in order, after every change the log delivered before it).
         */
        void emit(List<StreamEvent> events) throws InterruptedException;
    }

    /** The positions of a chunk's events at its high watermark. */
    @FunctionalInterface
    public interface Positions {
        Position at(int i);
    }

    /**
     * Where a chunk is reported once its events were emitted: {@link SourceContext#backfillChunk} at
     * once by default; a source whose positions do not grow in emission order reports it later
     * itself, once a checkpoint covers the chunk (the jdbc-query source).
     */
    @FunctionalInterface
    public interface Reporter {
        void chunk(String id, List<String> lastKey, Position at, long rows, long rowsEstimated, boolean finished);
    }

    private final SourceContext context;
    private final Database database;
    private final int chunkSize;
    private final Reporter reporter;
    private long nextChunk = System.currentTimeMillis() * 1000;
    /** Where each request stands here (ahead of the resume point the engine holds until the checkpoint). */
    private final Map<String, Optional<List<String>>> cursors = new HashMap<>();
    private final Set<String> over = new HashSet<>();
    private InFlight inFlight;

    private record InFlight(BackfillRequest request, BackfillTable table, ChunkWindow window, List<String> lastKey,
                            boolean last) {
    }

    public BackfillRunner(SourceContext context, Database database, int chunkSize) {
        this(context, database, chunkSize, context::backfillChunk);
    }

    public BackfillRunner(SourceContext context, Database database, int chunkSize, Reporter reporter) {
        this.context = context;
        this.database = database;
        this.chunkSize = Math.max(1, chunkSize);
        this.reporter = reporter;
    }

    /** Whether a chunk is between its watermarks. */
    public boolean inFlight() {
        return inFlight != null;
    }

    /** The stream starts again from an earlier position: the chunk in flight is forgotten (read again later). */
    public void restart() {
        inFlight = null;
    }

    /**
     * With no chunk in flight, starts the next chunk of the first request listed: low watermark,
     * chunk read, high watermark. A request that cannot run is reported failed.
     */
    public void poll() throws SQLException {
        if (inFlight != null) {
            return;
        }
        for (BackfillRequest r : context.backfills()) {
            if (over.contains(r.id())) {
                continue;
            }
            try {
                if (start(r)) {
                    return;
                }
            } catch (SQLException e) {
                if (!isStatementError(e)) {
                    throw e;
                }
                fail(r, "reading table " + r.table() + " failed: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                fail(r, e.getMessage());
            }
        }
    }

    private boolean start(BackfillRequest r) throws SQLException {
        Optional<BackfillTable> t = database.table(r.table());
        if (t.isEmpty()) {
            fail(r, "table " + r.table() + " is not captured by this source");
            return false;
        }
        BackfillTable table = t.get();
        if (!table.keyset().hasKey()) {
            fail(r, "table " + r.table() + " has no primary key: a backfill reads tables in key order");
            return false;
        }
        Optional<List<String>> after = cursors.computeIfAbsent(r.id(), id -> r.resumeAfter());
        Watermark low = new Watermark(r.id(), nextChunk++, false);
        database.watermark(low.text());
        List<ReadRow> rows = new ArrayList<>();
        List<Row> absent = new ArrayList<>();
        List<String> lastKey;
        boolean last;
        Connection c = database.readConnection();
        if (r.byKeys()) {
            int from = after.map(k -> r.keys().indexOf(k) + 1).orElse(0);
            // a statement takes at most 65,535 parameters (PostgreSQL's protocol; MySQL's too)
            int n = Math.min(chunkSize, MAX_PARAMETERS / table.keyset().keyColumns().size());
            List<List<String>> keys = r.keys().subList(Math.min(from, r.keys().size()),
                    Math.min(from + n, r.keys().size()));
            KeyListReader.Result read = KeyListReader.read(c, table.keyset(), keys, r.where());
            rows.addAll(read.found());
            read.absent().forEach(k -> absent.add(table.keyOf().apply(k)));
            lastKey = keys.isEmpty() ? List.of() : keys.get(keys.size() - 1);
            last = from + keys.size() >= r.keys().size();
        } else {
            KeyRange range = KeyRange.after(after.map(k -> k.toArray(String[]::new)).orElse(null));
            try {
                ChunkReader.read(c, table.keyset(), range, r.where(), chunkSize, rows::add);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while reading a backfill chunk", e);
            }
            lastKey = rows.isEmpty() ? List.of() : Arrays.asList(rows.get(rows.size() - 1).keys());
            last = rows.size() < chunkSize;
        }
        database.highWatermark(low.other().text(), rows.size() + absent.size());
        ChunkWindow window = new ChunkWindow(low, r.table(), table.keyColumns(), rows, absent);
        inFlight = new InFlight(r, table, window, lastKey, last);
        LOG.debug("backfill {}: chunk {} of {} read {} rows after {}", r.id(), low.chunk(), r.table(), rows.size(),
                after.orElse(List.of()));
        return true;
    }

    /**
     * For a source without a log, whose positions are exact per row version (the jdbc-query source:
     * a row's cursor value orders it against every other version of it): starts the next chunk and
     * emits it at once, with no window.
     *
     * @return true when a chunk was read and emitted (maybe empty)
     */
    public boolean emitNow(Positions positions, Emitter emitter) throws SQLException, InterruptedException {
        poll();
        return inFlight != null && watermark(inFlight.window().high().text(), positions, emitter);
    }

    /** A change the log delivered (source thread, in log order). */
    public void changed(StreamEvent event) {
        if (inFlight != null && event instanceof ChangeEvent c) {
            inFlight.window().changed(c);
        }
    }

    /**
     * A watermark the log delivered (the text of a message or row the source recognised as one).
     * At the chunk's high watermark, emits what is left of the chunk and reports it.
     *
     * @return true when it was the high watermark of the chunk in flight
     */
    public boolean watermark(String text, Positions positions, Emitter emitter) throws InterruptedException {
        Optional<Watermark> w = Watermark.parse(text);
        if (inFlight == null || w.isEmpty()) {
            return false;
        }
        ChunkWindow window = inFlight.window();
        if (w.get().equals(window.low())) {
            window.lowSeen();
            return false;
        }
        if (!w.get().equals(window.high())) {
            return false; // an earlier session's, or another source's
        }
        InFlight done = inFlight;
        inFlight = null;
        BackfillRequest r = done.request();
        List<StreamEvent> events = events(r, window, positions);
        if (!events.isEmpty()) {
            emitter.emit(events);
        }
        Position at = positions.at(Math.max(0, events.size() - 1));
        if (!done.lastKey().isEmpty()) {
            cursors.put(r.id(), Optional.of(done.lastKey()));
        }
        if (done.last()) {
            over.add(r.id());
            cursors.remove(r.id());
        }
        reporter.chunk(r.id(), done.lastKey(), at, events.size(),
                r.byKeys() ? r.keys().size() : done.table().rowsEstimated(), done.last());
        if (window.changedKeys() > 0 || done.last()) {
            LOG.info("backfill {}: chunk of {} emitted {} of {} rows read ({} keys changed in the window){}", r.id(),
                    r.table(), events.size(), window.rowsRead(), window.changedKeys(), done.last() ? "; finished" : "");
        }
        return true;
    }

    private static List<StreamEvent> events(BackfillRequest r, ChunkWindow window, Positions positions) {
        Map<String, String> headers = new HashMap<>();
        headers.put(BackfillRequest.ID_HEADER, r.id());
        if (!r.sinks().isEmpty()) {
            headers.put(BackfillRequest.SINKS_HEADER, String.join(",", r.sinks().stream().sorted().toList()));
        }
        Instant now = Instant.now();
        List<StreamEvent> events = new ArrayList<>();
        for (ReadRow row : window.rows()) {
            events.add(new ChangeEvent(Operation.READ, r.table(), row.key(), Optional.empty(), Optional.of(row.row()),
                    now, Optional.empty(), positions.at(events.size()), 0, headers));
        }
        for (Row key : window.absent()) {
            events.add(new ChangeEvent(Operation.DELETE, r.table(), key, Optional.empty(), Optional.empty(), now,
                    Optional.empty(), positions.at(events.size()), 0, headers));
        }
        return events;
    }

    private void fail(BackfillRequest r, String reason) {
        LOG.warn("backfill {} failed: {}", r.id(), reason);
        over.add(r.id());
        cursors.remove(r.id());
        context.backfillFailed(r.id(), reason);
    }

    /** A statement the database refused (syntax, unknown column, type): not a broken connection. */
    private static boolean isStatementError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("42") || state.startsWith("22"));
    }
}
