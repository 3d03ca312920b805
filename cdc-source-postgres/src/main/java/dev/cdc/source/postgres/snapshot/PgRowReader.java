package dev.cdc.source.postgres.snapshot;

import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.KeysetRowReader;
import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.catalog.CatalogTable;
import dev.cdc.source.postgres.catalog.TableCatalog;
import dev.cdc.source.postgres.replication.Connections;
import dev.cdc.source.postgres.replication.PublicationSetup;
import dev.cdc.source.postgres.types.TypeRegistry;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The PostgreSQL source read back for {@code cdc verify}: the tables it captures (its
 * {@code tables} patterns, or its publication's tables), each read with the snapshot's keyset
 * statement and decoders ({@link PgKeyset}), on one regular autocommit connection.
 */
public final class PgRowReader extends KeysetRowReader {

    private final Connections connections;
    private final List<String> patterns;
    private final String publication;
    private Connection connection;
    private TypeRegistry types;
    private TableCatalog catalog;

    public PgRowReader(Connections connections, List<String> patterns, String publication, Clock clock) {
        super(clock);
        this.connections = connections;
        this.patterns = List.copyOf(patterns);
        this.publication = publication;
    }

    @Override
    public void open() throws SQLException {
        connection = PgKeyset.textRows(connections.regular("verify"));
        types = new TypeRegistry(connection);
        types.load();
        catalog = new TableCatalog(connection);
    }

    @Override
    public List<TableId> tables() throws SQLException {
        return new PublicationSetup(connection, catalog, connections, publication).selectTables(patterns);
    }

    @Override
    protected Connection connection() {
        return connection;
    }

    @Override
    protected KeysetTable describe(TableId table) throws SQLException {
        Optional<CatalogTable> ct = catalog.find(table);
        if (ct.isEmpty()) {
            throw new SQLException("table " + table + " does not exist in " + connections.url());
        }
        return PgKeyset.of(CapturedTable.of(ct.get(), types), ct.get());
    }

    @Override
    public void close() throws SQLException {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
