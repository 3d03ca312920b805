package dev.cdc.source.postgres.backfill;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.backfill.BackfillRunner;
import dev.cdc.jdbc.snapshot.backfill.LoglessBackfills;
import dev.cdc.source.postgres.position.PgPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The PostgreSQL source's backfills, on the source thread: runs the shared
 * {@link BackfillRunner} against the stream (chunks between watermarks written with
 * {@code pg_logical_emit_message}), positions a chunk's events at its high watermark's LSN (index
 * 3, 5, ... after the message's own 1, so they sort with the log: after every change before the
 * watermark, before every later one; a table's first schema event at index 2), and requests the
 * backfills the source needs itself: a table that starts being captured, every captured table
 * after a healed slot.
 */
public final class PgBackfills implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PgBackfills.class);
    /** pgoutput sends logical messages from PostgreSQL 14 ({@code messages} option). */
    public static final int MIN_SERVER_VERSION = 140000;

    /** Where a chunk's events go (after the batch before them). */
    @FunctionalInterface
    public interface Emitter {
        void emit(List<StreamEvent> events) throws InterruptedException;
    }

    private final SourceContext context;
    private final PgBackfillDatabase database;
    private final BackfillRunner runner;
    private final int serverVersion;
    private final int chunkSize;
    private final String slot;
    private final Set<String> refused = new HashSet<>();

    public PgBackfills(SourceContext context, PgBackfillDatabase database, int chunkSize, int serverVersion,
                       String slot) {
        this.context = context;
        this.database = database;
        this.runner = new BackfillRunner(context, database, chunkSize);
        this.serverVersion = serverVersion;
        this.chunkSize = chunkSize;
        this.slot = slot;
    }

    /** Whether the server sends the watermarks (PostgreSQL 14+). */
    public boolean supported() {
        return serverVersion >= MIN_SERVER_VERSION;
    }

    /** A new streaming session: the chunk in flight is read again later. */
    public void restart() {
        runner.restart();
    }

    /** Every change the stream delivers, in log order. */
    public void changed(StreamEvent event) {
        runner.changed(event);
    }

    /** Between batches: starts the next chunk when none is in flight. */
    public void poll() throws SQLException {
        if (!supported()) {
            for (BackfillRequest r : context.backfills()) {
                if (refused.add(r.id())) {
                    context.backfillFailed(r.id(), "PostgreSQL " + serverVersion / 10000 + " sends no logical "
                            + "messages through pgoutput; backfills need PostgreSQL 14 or later");
                }
            }
            return;
        }
        runner.poll();
    }

    /**
     * A watermark message at {@code lsn}: at a chunk's high watermark, emits the chunk (preceded by
     * its table's schema when the table was just {@linkplain #captured captured}) and starts the
     * next chunk.
     *
     * @param announced takes the schema of a table announced and not yet emitted
     */
    public void watermark(long lsn, String text, String db, Function<TableId, Optional<TableSchema>> announced,
                          Emitter emitter) throws InterruptedException, SQLException {
        boolean chunkDone = runner.watermark(text, i -> PgPosition.stream(lsn, 3 + 2 * i, lsn, -1, db), events -> {
            List<StreamEvent> out = new ArrayList<>(events.size() + 1);
            TableId table = ((ChangeEvent) events.get(0)).table();
            announced.apply(table).ifPresent(schema -> out.add(new SchemaChangeEvent(table, Optional.empty(),
                    Optional.of(schema), List.of(), Optional.empty(), PgPosition.stream(lsn, 2, lsn, -1, db),
                    Instant.now())));
            out.addAll(events);
            emitter.emit(out);
        });
        if (chunkDone) {
            poll(); // the next chunk at once, not at the next pause of a busy stream
        }
    }

    /**
     * The slot was lost at {@code lostAt} and created again at {@code consistentPoint}: every
     * captured table is read again. The targets may hold rows deleted while the position was
     * lost, which no read of the table can name, so each table is first emptied (a TRUNCATE event
     * at the new consistent point, before any change streamed from it) and then backfilled. The
     * requests come first (their ids derive from the lost position, so healing again after a
     * crash asks for the same ones), then the TRUNCATEs: a crash between the two heals again.
     */
    public void healed(String lostAt, long consistentPoint, List<TableId> tables, String db, Emitter emitter)
            throws InterruptedException {
        List<StreamEvent> truncates = new ArrayList<>();
        for (TableId t : tables) {
            String id = id("heal", t, lostAt);
            context.requestBackfill(BackfillRequest.table(id, t));
            truncates.add(ChangeEvent.truncate(t, Instant.now(), PgPosition.stream(consistentPoint,
                    2 * truncates.size(), consistentPoint, -1, db)).withHeader(BackfillRequest.ID_HEADER, id));
        }
        LOG.warn("slot {} healed after losing {}: emptying and backfilling {} table(s) {}", slot, lostAt,
                tables.size(), tables);
        if (!truncates.isEmpty()) {
            emitter.emit(truncates);
        }
    }

    /**
     * {@code snapshot-mode: initial-only}, after the snapshot: the queued requests, read to their end
     * with no stream to interleave with ({@link LoglessBackfills}), their events at LSN
     * {@code consistentPoint} (after every snapshot event), index 1, 2, ...
     */
    public void runWithoutStream(long consistentPoint, String db) throws SQLException, InterruptedException {
        LoglessBackfills.run(context, database, chunkSize, 1,
                n -> PgPosition.stream(consistentPoint, Math.toIntExact(n), consistentPoint, -1, db));
    }

    /**
     * At the start of a run: with {@code compare} (a resumed stream, not a snapshot or a heal, which
     * read every table), a backfill of each captured table not covered yet (it joined while the
     * source was down, or a crash cut its request off); then {@code tables} are recorded as covered.
     *
     * @return the tables backfilled (the sinks have no schema of them yet)
     */
    public List<TableId> coverAtStart(CapturedTables captured, List<TableId> tables, boolean compare) {
        List<TableId> uncovered = compare ? captured.uncovered(tables) : List.of();
        for (TableId t : uncovered) {
            captured(t, captured.requestId(slot, t));
        }
        captured.record(tables);
        return uncovered;
    }

    /** A table starts being captured: its existing rows are read ({@code id}: see {@link CapturedTables}). */
    public void captured(TableId table, String id) {
        context.requestBackfill(BackfillRequest.table(id, table));
        LOG.info("table {} is captured now: backfilling it ({})", table, id);
    }

    private String id(String kind, TableId table, String lsn) {
        return kind + "-" + slot + "-" + table.namespace() + "." + table.name() + "-" + lsn.replace('/', '-');
    }

    @Override
    public void close() {
        database.close();
    }
}
