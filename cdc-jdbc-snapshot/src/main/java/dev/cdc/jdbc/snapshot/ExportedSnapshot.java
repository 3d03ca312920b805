package dev.cdc.jdbc.snapshot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL: every worker reads inside one exported snapshot, each on its own connection in a
 * REPEATABLE READ transaction that imports it ({@code SET TRANSACTION SNAPSHOT}). The snapshot
 * is a replication slot's, or one exported here by a transaction kept open until {@link #close}.
 */
public final class ExportedSnapshot implements ParallelSnapshot.Workers, AutoCloseable {

    /** Opens a regular connection. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ExportedSnapshot.class);

    private final Connections connections;
    private final String name;
    private final String current;
    private final Connection exporter;

    private ExportedSnapshot(Connections connections, String name, String current, Connection exporter) {
        this.connections = connections;
        this.name = name;
        this.current = current;
        this.exporter = exporter;
    }

    /** A snapshot exported elsewhere (a slot's, by name). */
    public static ExportedSnapshot of(Connections connections, String name) {
        return new ExportedSnapshot(connections, name, null, null);
    }

    /** Exports a new snapshot from a transaction kept open until {@link #close}. */
    public static ExportedSnapshot export(Connections connections) throws SQLException {
        Connection c = connections.open();
        try {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot(), txid_current_snapshot()::text")) {
                    rs.next();
                    return new ExportedSnapshot(connections, rs.getString(1), rs.getString(2), c);
                }
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The snapshot's name ({@code pg_export_snapshot()}). */
    public String name() {
        return name;
    }

    /** For an exported snapshot: its {@code txid_current_snapshot()} text ({@code xmin:xmax:xip,...}); else null. */
    public String currentSnapshot() {
        return current;
    }

    @Override
    public Connection open(int worker) throws SQLException {
        Connection c = connections.open();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            // the first statements of the transaction: pgjdbc sends BEGIN just before
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            st.execute("SET TRANSACTION SNAPSHOT '" + name.replace("'", "''") + "'");
        }
        return c;
    }

    @Override
    public void finished(int worker, Connection connection) throws SQLException {
        connection.commit();
    }

    @Override
    public void release(int worker, Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing a snapshot connection: {}", e.getMessage());
        }
    }

    /** Ends the exporting transaction, if this exported the snapshot. Idempotent. */
    @Override
    public void close() {
        if (exporter != null) {
            try {
                exporter.close();
            } catch (SQLException e) {
                LOG.debug("closing the exporting connection: {}", e.getMessage());
            }
        }
    }
}
