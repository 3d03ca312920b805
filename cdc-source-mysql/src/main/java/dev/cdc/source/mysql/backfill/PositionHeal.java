package dev.cdc.source.mysql.backfill;

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
import java.util.ArrayList;
import java.util.List;

/**
 * {@code on-position-lost: heal}: the checkpoint's binlog position is gone, so the source streams
 * from the binlog's current end and asks for a backfill of every captured table, which re-reads
 * what the lost binlog held. The requests' ids derive from the lost position and the table, so a
 * crash during the heal (the checkpoint still at the lost position) asks for the same ids again,
 * which the engine ignores.
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

    /** Asks for a backfill of every captured table, ids derived from {@code lost}; returns them. */
    public static List<BackfillRequest> requestBackfills(MySqlSourceConfig config, Connection c, SourceContext context,
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
        LOG.warn("on-position-lost: heal: the binlog position {} was lost; streaming from {} and backfilling {} captured"
                + " table(s): {}", lost, streamFrom, out.size(), out.stream().map(r -> r.table().toString()).toList());
        return out;
    }

    /**
     * {@code heal-<file>-<offset>-<database>.<table>}: the same for the same lost position; characters
     * outside letters, digits, '.', '_' and '-' become '_', and a name past 128 characters is cut and
     * ends in its hash (the engine's rule for ids).
     */
    static String id(BinlogPosition lost, TableId table) {
        String id = ("heal-" + lost.file() + "-" + lost.offset() + "-" + table.namespace() + "." + table.name())
                .replaceAll("[^A-Za-z0-9._-]", "_");
        return id.length() <= 128 ? id : id.substring(0, 119) + "-" + String.format("%08x", id.hashCode());
    }
}
