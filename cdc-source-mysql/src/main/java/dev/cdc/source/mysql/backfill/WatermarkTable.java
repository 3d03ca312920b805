package dev.cdc.source.mysql.backfill;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The table whose row writes mark backfill chunks' low and high watermarks in the binlog: one row
 * per source, keyed by its server-id (unique among the server's readers), whose {@code mark}
 * each watermark overwrites in a transaction of its own. {@link WatermarkSightings} finds these
 * writes in the binlog. Stateless; the connections are the caller's.
 */
public final class WatermarkTable {

    private final TableId table;
    private final long serverId;
    private final String user;

    public WatermarkTable(TableId table, long serverId, String user) {
        this.table = table;
        this.serverId = serverId;
        this.user = user;
    }

    public TableId table() {
        return table;
    }

    /** The quoted, qualified name. */
    public String quoted() {
        return quote(table.namespace()) + "." + quote(table.name());
    }

    /** The statement that creates the table (nothing when it exists). */
    public List<String> createStatements() {
        return List.of("CREATE TABLE IF NOT EXISTS " + quoted() + " (server_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,"
                + " mark VARCHAR(1000) NOT NULL, written TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                + " ON UPDATE CURRENT_TIMESTAMP(6)) ENGINE=InnoDB");
    }

    public List<String> dropStatements() {
        return List.of("DROP TABLE IF EXISTS " + quoted());
    }

    public boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ?")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Creates the table when missing; a user who may not gets an error naming the statement and the grant. */
    public void create(Connection c) throws SQLException {
        for (String sql : createStatements()) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                if (isPrivilegeError(e)) {
                    throw new CdcException(missing("may not create it (" + e.getMessage() + ")"), e);
                }
                throw e;
            }
        }
    }

    /** What to tell the user when the table is missing or cannot be created: the statement and the grants. */
    public String missing(String what) {
        return "the watermark table " + table + " that backfills need is missing and user '" + user + "' " + what
                + ". Have a DBA run `" + createStatements().get(0) + "` (printed by `cdc setup <pipeline.yaml>"
                + " --print`) and GRANT INSERT, UPDATE ON " + quoted() + " TO '" + user + "', or grant CREATE on the"
                + " database " + quote(table.namespace()) + " and keep setup: auto";
    }

    /**
     * Writes {@code mark} as this source's row, committed on its own (the connection is in autocommit).
     *
     * @throws SQLException of the server's SQL state (42...: the backfill fails, not the stream) with a message
     *                      naming the statement or grant that fixes a missing table or privilege
     */
    public void write(Connection c, String mark) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + quoted() + " (server_id, mark) VALUES (?, ?)"
                + " ON DUPLICATE KEY UPDATE mark = VALUES(mark)")) {
            ps.setLong(1, serverId);
            ps.setString(2, mark);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) {
                throw new SQLException(missing("found no table there (" + e.getMessage() + ")"), e.getSQLState(),
                        e.getErrorCode(), e);
            }
            if (isPrivilegeError(e)) {
                throw new SQLException("user '" + user + "' may not write the watermark table " + table + " ("
                        + e.getMessage() + "): GRANT INSERT, UPDATE ON " + quoted() + " TO '" + user + "'",
                        e.getSQLState(), e.getErrorCode(), e);
            }
            throw e;
        }
    }

    private static boolean isPrivilegeError(SQLException e) {
        return e.getErrorCode() == 1142 || e.getErrorCode() == 1044 || e.getErrorCode() == 1227
                || "42000".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().contains("denied");
    }

    static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
