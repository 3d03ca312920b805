package dev.cdc.source.mysql.backfill;

import com.github.shyiko.mysql.binlog.event.Event;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.backfill.BackfillRunner;
import dev.cdc.source.mysql.MySqlSourceConfig;
import dev.cdc.source.mysql.binlog.BinlogPosition;
import dev.cdc.source.mysql.binlog.BinlogReader;
import dev.cdc.source.mysql.schema.MySqlTable;
import dev.cdc.source.mysql.schema.SchemaReader;
import dev.cdc.source.mysql.snapshot.MySqlKeyset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The MySQL side of backfills while streaming ({@link BackfillRunner}, shared with the other
 * JDBC-based sources): watermarks are committed row writes to the {@link WatermarkTable} on one
 * connection, chunks are read on another with the snapshot's decoding ({@link MySqlKeyset}), and
 * the watermark rows are found in the binlog by {@link WatermarkSightings}. A chunk's events are
 * placed in the high watermark's transaction, rows 1..n: after every change before it in the
 * binlog, before every change after it, and resumable like any streamed position. Used from the
 * source thread only.
 */
public final class MySqlBackfills implements BackfillRunner.Database, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MySqlBackfills.class);
    private static final long POLL_NANOS = 100_000_000L;

    /** Opens a plain JDBC connection to the server. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final MySqlSourceConfig config;
    private final Connections connect;
    private final WatermarkTable table;
    private final WatermarkSightings sightings;
    private final BackfillRunner runner;
    private final SourceContext context;
    private Connection writes;
    private Connection reads;
    private long lastPoll;

    public MySqlBackfills(MySqlSourceConfig config, Connections connect, SourceContext context) {
        this.config = config;
        this.connect = connect;
        this.context = context;
        this.table = new WatermarkTable(config.watermarkTable(), config.serverId(), config.user());
        this.sightings = new WatermarkSightings(config.watermarkTable(), config.serverId());
        this.runner = new BackfillRunner(context, this, config.backfillChunkSize());
    }

    /** Between binlog events: starts the next chunk when none is in flight (at most every 100 ms while busy). */
    public void poll(boolean idle) {
        long now = System.nanoTime();
        if (runner.inFlight() || !idle && now - lastPoll < POLL_NANOS) {
            return;
        }
        lastPoll = now;
        try {
            runner.poll();
        } catch (SQLException e) {
            close();
            throw new RetriableException("a backfill chunk's watermark or read failed: " + e.getMessage(), e);
        }
    }

    /**
     * After the reader handled {@code event} and {@code streamed} (its output) was emitted: the
     * changes close chunk keys, and a high watermark emits its chunk.
     */
    public void handled(Event event, List<StreamEvent> streamed, BinlogReader reader) throws InterruptedException {
        for (StreamEvent e : streamed) {
            runner.changed(e);
        }
        Optional<String> mark = sightings.see(event);
        if (mark.isPresent()) {
            BinlogPosition tx = reader.transaction();
            runner.watermark(mark.get(), i -> tx.withRow(i + 1L).toPosition(), this::emit);
        }
    }

    private void emit(List<StreamEvent> events) throws InterruptedException {
        for (int from = 0; from < events.size(); from += config.maxBatch()) {
            context.emit(events.subList(from, Math.min(events.size(), from + config.maxBatch())));
        }
    }

    /** The stream starts again from an earlier or another position: the chunk in flight is read again. */
    public void restart() {
        runner.restart();
    }

    @Override
    public Optional<BackfillRunner.BackfillTable> table(TableId id) throws SQLException {
        if (!config.captures(id.namespace(), id.name())) {
            return Optional.empty();
        }
        Connection c = readConnection();
        Optional<MySqlTable> t = SchemaReader.read(c, id);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        MySqlTable table = t.get();
        boolean tinyint = config.tinyint1AsBoolean();
        return Optional.of(new BackfillRunner.BackfillTable(MySqlKeyset.of(table, tinyint), table.primaryKey(),
                key -> MySqlKeyset.key(table, key, tinyint), MySqlKeyset.estimate(c, id).orElse(-1)));
    }

    @Override
    public void watermark(String text) throws SQLException {
        writes = valid(writes);
        table.write(writes, text);
    }

    @Override
    public Connection readConnection() throws SQLException {
        reads = valid(reads);
        return reads;
    }

    /** The connection, or a new one (autocommit, time zone +00:00 as the snapshot reads) when it is gone. */
    private Connection valid(Connection c) throws SQLException {
        if (c != null && c.isValid(2)) {
            return c;
        }
        close(c);
        Connection n = connect.open();
        try (Statement s = n.createStatement()) {
            s.execute("SET SESSION time_zone = '+00:00'");
        }
        n.setAutoCommit(true);
        return n;
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a backfill connection failed", e);
            }
        }
    }

    @Override
    public void close() {
        close(writes);
        close(reads);
        writes = null;
        reads = null;
    }
}
