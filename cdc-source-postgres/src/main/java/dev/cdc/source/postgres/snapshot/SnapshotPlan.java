package dev.cdc.source.postgres.snapshot;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.jdbc.snapshot.TableProgress;
import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.catalog.CatalogTable;
import dev.cdc.source.postgres.catalog.TableCatalog;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.source.postgres.types.TypeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Which tables a snapshot reads and from where, and the database name in its events' positions. */
public final class SnapshotPlan {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPlan.class);

    private SnapshotPlan() {
    }

    /**
     * The tables still to read: every selected one on a first start; resuming ({@code state}
     * from the checkpoint {@code resumed}), those not finished, each after its last delivered key.
     */
    public static List<SnapshotTable> tables(List<TableId> selectedOrder, SnapshotState state, Position resumed,
                                             String slot, TableCatalog catalog, TypeRegistry types)
            throws SQLException {
        List<SnapshotTable> tables = new ArrayList<>();
        for (int i = 0; i < selectedOrder.size(); i++) {
            TableProgress inProgress = state == null ? null : state.inProgress().get(i);
            if (state != null && i < state.next() && inProgress == null) {
                continue; // finished before the checkpoint
            }
            if (inProgress != null && !inProgress.table().equals(selectedOrder.get(i).toString())) {
                throw new CdcException("the checkpoint " + resumed + " was taken in the middle of the snapshot"
                        + " of " + inProgress.table() + ", but the selected tables changed since (table " + i + " is now "
                        + selectedOrder.get(i) + "); restore the 'tables' setting, or drop the slot (SELECT "
                        + "pg_drop_replication_slot('" + slot + "')) and restart with snapshot-mode when-needed");
            }
            Optional<CatalogTable> t = catalog.find(selectedOrder.get(i));
            if (t.isEmpty()) {
                LOG.warn("table {} disappeared before its snapshot; skipped", selectedOrder.get(i));
                continue;
            }
            CatalogTable ct = t.get();
            String[] afterKeys = inProgress == null || inProgress.keys().length == 0 || ct.primaryKey().isEmpty()
                    ? null : inProgress.keys();
            tables.add(new SnapshotTable(CapturedTable.of(ct, types), ct, i, afterKeys, inProgress != null));
        }
        return tables;
    }

    /** Snapshot events with the database's name in their positions ({@code db}, see {@link PgPosition#DB}). */
    public static List<StreamEvent> withDatabase(List<StreamEvent> events, String database) {
        List<StreamEvent> out = new ArrayList<>(events.size());
        for (StreamEvent e : events) {
            Position p = e.position().withOffset(PgPosition.DB, database, e.position().sortKey());
            out.add(e instanceof ChangeEvent c ? c.withPosition(p) : withPosition((SchemaChangeEvent) e, p));
        }
        return out;
    }

    private static SchemaChangeEvent withPosition(SchemaChangeEvent e, Position p) {
        return new SchemaChangeEvent(e.table(), e.before(), e.after(), e.changes(), e.ddl(), p, e.commitTime());
    }
}
