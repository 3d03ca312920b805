package dev.cdc.source.postgres.backfill;

import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.backfill.BackfillRunner;
import dev.cdc.jdbc.snapshot.backfill.Watermark;
import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.catalog.CatalogTable;
import dev.cdc.source.postgres.catalog.TableCatalog;
import dev.cdc.source.postgres.replication.Connections;
import dev.cdc.source.postgres.snapshot.PgKeyset;
import dev.cdc.source.postgres.types.TypeRegistry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The PostgreSQL side of backfills: watermarks are non-transactional logical messages
 * ({@code pg_logical_emit_message(false, 'cdc', '<id>:<n>:low')}, in the WAL at once, sent by
 * pgoutput with {@code messages 'true'}, PostgreSQL 14+) written on the source's catalog
 * connection; chunks are read on a connection of their own (READ COMMITTED, autocommit) with the
 * snapshot's keyset and decoders ({@link PgKeyset}). Source thread only.
 */
public final class PgBackfillDatabase implements BackfillRunner.Database, AutoCloseable {

    private final Connections connections;
    private final Supplier<Connection> catalogConnection;
    private final Supplier<TableCatalog> catalog;
    private final Supplier<TypeRegistry> types;
    private final Predicate<TableId> captured;
    private Connection read;

    /**
     * @param catalogConnection the source's catalog connection now (it is replaced on a reconnect)
     * @param captured          whether the source captures a table now
     */
    public PgBackfillDatabase(Connections connections, Supplier<Connection> catalogConnection,
                              Supplier<TableCatalog> catalog, Supplier<TypeRegistry> types,
                              Predicate<TableId> captured) {
        this.connections = connections;
        this.catalogConnection = catalogConnection;
        this.catalog = catalog;
        this.types = types;
        this.captured = captured;
    }

    @Override
    public Optional<BackfillRunner.BackfillTable> table(TableId table) throws SQLException {
        if (!captured.test(table)) {
            return Optional.empty();
        }
        Optional<CatalogTable> found = catalog.get().find(table);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        CatalogTable ct = found.get();
        CapturedTable t = CapturedTable.of(ct, types.get());
        return Optional.of(new BackfillRunner.BackfillTable(PgKeyset.of(t, ct), ct.primaryKey(),
                key -> PgKeyset.key(t, ct, key), estimate(ct)));
    }

    /** pg_class.reltuples, or (never analyzed yet) the statistics' live tuples; -1 when neither knows. */
    private long estimate(CatalogTable ct) throws SQLException {
        if (ct.estimatedRows() > 0) {
            return ct.estimatedRows();
        }
        try (PreparedStatement st = catalogConnection.get().prepareStatement(
                "SELECT n_live_tup FROM pg_catalog.pg_stat_user_tables WHERE relid = ?")) {
            st.setLong(1, ct.oid() & 0xffffffffL);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0 ? rs.getLong(1) : ct.estimatedRows();
            }
        }
    }

    @Override
    public void watermark(String text) throws SQLException {
        try (PreparedStatement st = catalogConnection.get().prepareStatement(
                "SELECT pg_logical_emit_message(false, ?, ?)")) {
            st.setString(1, Watermark.PREFIX);
            st.setString(2, text);
            st.execute();
        }
    }

    @Override
    public Connection readConnection() throws SQLException {
        if (read == null || !read.isValid(2)) {
            close();
            read = PgKeyset.textRows(connections.regular("backfill"));
        }
        return read;
    }

    @Override
    public void close() {
        if (read != null) {
            try {
                read.close();
            } catch (SQLException e) {
                // closing: nothing to do
            }
            read = null;
        }
    }
}
