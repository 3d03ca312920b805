package dev.cdc.source.mysql.backfill;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.source.mysql.MySqlSourceConfig;
import dev.cdc.source.mysql.binlog.BinlogGoneException;
import dev.cdc.source.mysql.binlog.BinlogPosition;
import dev.cdc.source.mysql.schema.SchemaReader;
import dev.cdc.source.mysql.setup.ServerSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code on-position-lost: heal}, as on PostgreSQL: the checkpoint's binlog position is gone, so
 * the source streams from the binlog's current end, asks for a backfill of every captured table
 * (which re-reads what the lost binlog held), and first empties each table's targets with a
 * TRUNCATE event placed just before the new start: the targets may hold rows deleted in the lost
 * binlog, which no read of the table can name. The requests' ids derive from the lost position
 * and the table; the requests come first, then the TRUNCATEs, so a crash in between (the
 * checkpoint still at the lost position) heals again and asks for the same ids, which the engine
 * ignores.
 */
public final class PositionHeal {

    private static final Logger LOG = LoggerFactory.getLogger(PositionHeal.class);

    private PositionHeal() {
    }

    /** The message of a refusal ({@code on-position-lost: fail}): what was lost and the options that recover. */
    public static BinlogGoneException refusal(String whatHappened, Throwable cause) {
        String msg = whatHappened + ". Changes after it are lost to this pipeline. Set on-position-lost: heal to stream"
                + " from the binlog's current end and backfill every captured table while streaming, or snapshot-mode:"
                + " when-needed to take a new snapshot and stream from there (or remove the checkpoint to start over)";
        return cause == null ? new BinlogGoneException(msg) : new BinlogGoneException(msg, cause);
    }

    /** Where streaming goes on: the binlog's current end (with its GTID position when the source uses GTIDs). */
    public static BinlogPosition currentEnd(Connection c, boolean gtids) throws SQLException {
        BinlogPosition end = ServerSetup.masterStatus(c);
        return gtids ? end.withGtidSet(ServerSetup.gtidPosition(c, end)) : end;
    }

    /**
     * Heals the loss of {@code lost}: asks for the backfills, then emits one TRUNCATE per captured
     * table at {@link BinlogPosition#justBefore} {@code streamFrom} (after every event of the lost
     * binlog, before every event streamed from the new start; a restart from one streams from
     * {@code streamFrom} skipping nothing), headed with its backfill's id.
     */
    public static List<BackfillRequest> heal(MySqlSourceConfig config, Connection c, SourceContext context,
                                             BinlogPosition lost, BinlogPosition streamFrom)
            throws SQLException, InterruptedException {
        List<BackfillRequest> requests = requestBackfills(config, c, context, lost, streamFrom);
        if (lost.sortKey().compareTo(streamFrom.justBefore(0).sortKey()) >= 0) {
            LOG.warn("the binlog's current end {} does not sort after the lost position {} (binlog numbering started"
                    + " over, e.g. RESET MASTER): sinks that order by sort_key (Elasticsearch versions) keep their newer"
                    + " documents; drop them and backfill, or remove the checkpoint to start over", streamFrom, lost);
        }
        List<StreamEvent> truncates = new ArrayList<>(requests.size());
        for (BackfillRequest r : requests) {
            truncates.add(ChangeEvent.truncate(r.table(), Instant.now(), streamFrom.justBefore(truncates.size()))
                    .withHeader(BackfillRequest.ID_HEADER, r.id()));
        }
        if (!truncates.isEmpty()) {
            context.emit(truncates);
        }
        return requests;
    }

    /** Asks for a backfill of every captured table, ids derived from {@code lost}; returns them. */
    private static List<BackfillRequest> requestBackfills(MySqlSourceConfig config, Connection c, SourceContext context,
                                                         BinlogPosition lost, BinlogPosition streamFrom)
            throws SQLException {
        List<BackfillRequest> out = new ArrayList<>();
        for (String name : SchemaReader.tableNames(c, config.database())) {
            if (config.captures(config.database(), name)) {
                TableId table = TableId.of(config.database(), name);
                BackfillRequest r = BackfillRequest.table(id(lost, table), table);
                context.requestBackfill(r);
                out.add(r);
            }
        }
        LOG.warn("on-position-lost: heal: the binlog position {} was lost; streaming from {}, emptying and backfilling {} captured"
                + " table(s): {}", lost, streamFrom, out.size(), out.stream().map(r -> r.table().toString()).toList());
        return out;
    }

    /**
     * {@code heal-<file>-<offset>-<database>.<table>}: the same for the same lost position; characters
     * outside letters, digits, '.', '_' and '-' become '_', and a name past 128 characters is cut and
     * ends in its hash (the engine's rule for ids).
     */
    static String id(BinlogPosition lost, TableId table) {
        return id("heal", lost, table);
    }

    /** {@code <kind>-<file>-<offset>-<database>.<table>}, as {@link #id(BinlogPosition, TableId)}. */
    static String id(String kind, BinlogPosition at, TableId table) {
        String id = (kind + "-" + at.file() + "-" + at.offset() + "-" + table.namespace() + "." + table.name())
                .replaceAll("[^A-Za-z0-9._-]", "_");
        return id.length() <= 128 ? id : id.substring(0, 119) + "-" + String.format("%08x", id.hashCode());
    }
}
