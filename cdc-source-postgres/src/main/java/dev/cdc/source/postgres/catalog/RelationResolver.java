package dev.cdc.source.postgres.catalog;

import dev.cdc.source.postgres.decoding.RelationMessage;
import dev.cdc.source.postgres.types.TypeRegistry;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The captured table a Relation message describes, with its columns' attnums when they follow for
 * sure ({@link ColumnIdentities}). One per streaming session (a reconnect goes back in the log, so
 * what the previous session learnt of the attnums does not hold). Source thread only.
 */
public final class RelationResolver {

    /** How long a Relation message's transaction may take to become visible before its attnums count as unknown. */
    private static final Duration VISIBLE_WAIT = Duration.ofSeconds(2);

    private final TableCatalog catalog;
    private final TypeRegistry types;
    private final ColumnIdentities identities = new ColumnIdentities();

    public RelationResolver(TableCatalog catalog, TypeRegistry types) {
        this.catalog = catalog;
        this.types = types;
    }

    /** The table of {@code relation}, sent in transaction {@code xid} (-1: unknown). */
    public CapturedTable resolve(RelationMessage relation, long xid) throws SQLException, InterruptedException {
        // the log can deliver a transaction a moment before it is visible to other sessions: a catalog
        // read then would be older than the message, and the attnums it gives wrong
        boolean current = xid >= 0 && catalog.awaitVisible(xid, VISIBLE_WAIT);
        Optional<CatalogTable> now = catalog.find(relation.oid());
        Optional<List<Integer>> attnums = current
                ? identities.identify(relation.oid(), relation.columns().size(), now)
                : identities.forget(relation.oid());
        return CapturedTable.of(relation, now, attnums, types);
    }
}
