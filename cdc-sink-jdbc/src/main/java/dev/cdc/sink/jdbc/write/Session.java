package dev.cdc.sink.jdbc.write;

import dev.cdc.sink.jdbc.dialect.Dialect;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The sink's one connection to the target, opened on first use (and again after a failure closed
 * it), configured by the dialect, with auto-commit off, and its prepared statements cached by SQL
 * text (the most recently used 256). Used from the lane thread only.
 */
public final class Session implements AutoCloseable {

    private static final int CACHED_STATEMENTS = 256;

    private final String url;
    private final Properties properties;
    private final Dialect dialect;
    private Connection connection;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() > CACHED_STATEMENTS) {
                closeQuietly(eldest.getValue());
                return true;
            }
            return false;
        }
    };

    public Session(String url, Properties properties, Dialect dialect) {
        this.url = url;
        this.properties = properties;
        this.dialect = dialect;
    }

    /** The open connection, connecting first when there is none. */
    public Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            statements.clear();
            Connection c = DriverManager.getConnection(url, properties);
            try {
                c.setAutoCommit(true);
                dialect.configure(c);
                c.setAutoCommit(false);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    /** A prepared statement for the SQL, from the cache. */
    public PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection().prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Rolls back what is open; after a failure that may have broken the connection, closes it. */
    public void abort(boolean closeConnection) {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            closeConnection = true;
        }
        if (closeConnection) {
            close();
        }
    }

    @Override
    public void close() {
        statements.values().forEach(Session::closeQuietly);
        statements.clear();
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after a failure: the first error is the one reported
        }
    }
}
