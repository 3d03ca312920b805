package dev.cdc.source.mysql.setup;

import dev.cdc.api.error.CdcException;
import dev.cdc.source.mysql.binlog.BinlogPosition;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks that the server is set up for row-based CDC and that the user may do it, and reads
 * the binlog's state. Each failure says what was found, what is needed and the setting or SQL
 * that fixes it; all problems are reported at once.
 */
public final class ServerSetup {

    private ServerSetup() {
    }

    /** Whether the server is MariaDB (else MySQL). */
    public static boolean isMariaDb(Connection c) throws SQLException {
        return variable(c, "version").orElse("").toLowerCase(Locale.ROOT).contains("mariadb");
    }

    /** @throws CdcException listing every problem found */
    public static void check(Connection c, String user, String database) throws SQLException {
        boolean maria = isMariaDb(c);
        List<String> problems = new ArrayList<>();
        String logBin = variable(c, "log_bin").orElse("OFF");
        if (!logBin.equalsIgnoreCase("ON") && !logBin.equals("1")) {
            problems.add("the binary log is off (log_bin=" + logBin + "); start the server with log_bin=mysql-bin and a"
                    + " server_id (e.g. in a [" + (maria ? "mariadbd" : "mysqld") + "] section of its config), then restart it");
        }
        String format = variable(c, "binlog_format").orElse("?");
        if (!format.equalsIgnoreCase("ROW")) {
            problems.add("binlog_format is " + format + " but row events need ROW: SET GLOBAL binlog_format = 'ROW'"
                    + " and binlog_format=ROW in the server config");
        }
        String image = variable(c, "binlog_row_image").orElse("FULL");
        if (!image.equalsIgnoreCase("FULL")) {
            problems.add("binlog_row_image is " + image + " but before and after rows need FULL: SET GLOBAL"
                    + " binlog_row_image = 'FULL' and binlog_row_image=FULL in the server config");
        }
        String grants = grants(c);
        boolean all = grants.contains("ALL PRIVILEGES ON *.*");
        if (!all && !grants.contains("REPLICATION SLAVE") && !grants.contains("REPLICATION REPLICA")) {
            problems.add("user '" + user + "' lacks REPLICATION SLAVE, needed to read the binlog: GRANT REPLICATION SLAVE"
                    + " ON *.* TO '" + user + "'");
        }
        String monitor = maria ? "BINLOG MONITOR" : "REPLICATION CLIENT";
        if (!all && !grants.contains("BINLOG MONITOR") && !grants.contains("REPLICATION CLIENT")
                && !grants.contains("SUPER")) {
            problems.add("user '" + user + "' lacks " + monitor + ", needed for SHOW MASTER STATUS and SHOW BINARY LOGS:"
                    + " GRANT " + monitor + " ON *.* TO '" + user + "'");
        }
        if (!all && !grants.contains("SELECT ON *.*") && !grants.contains("ALL PRIVILEGES ON `" + database + "`")
                && !grants.contains("SELECT ON `" + database + "`") && !grants.matches("(?s).*GRANT [^\\n]*SELECT[^\\n]* ON (\\*|`"
                + java.util.regex.Pattern.quote(database) + "`)\\.\\*.*")) {
            problems.add("user '" + user + "' lacks SELECT on the database " + database + ", needed for the snapshot and"
                    + " table definitions: GRANT SELECT ON `" + database + "`.* TO '" + user + "'");
        }
        if (!problems.isEmpty()) {
            throw new CdcException("the " + (maria ? "MariaDB" : "MySQL") + " server is not ready for change data capture ("
                    + problems.size() + " problem" + (problems.size() > 1 ? "s" : "") + "):\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /**
     * Whether row events carry column names ({@code binlog_row_metadata=FULL}); without them (MINIMAL,
     * NO_LOG, or a server before MySQL 8.0.1 / MariaDB 10.5) names and types come from the schema history.
     */
    public static Optional<String> rowMetadataWithoutNames(Connection c) throws SQLException {
        Optional<String> metadata = variable(c, "binlog_row_metadata");
        return metadata.isPresent() && metadata.get().equalsIgnoreCase("FULL") ? Optional.empty()
                : Optional.of(metadata.orElse("(none: the server predates it)"));
    }

    /** The current end of the binlog. */
    public static BinlogPosition masterStatus(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new CdcException("SHOW MASTER STATUS returned nothing: the binary log is off; start the server with"
                        + " log_bin=mysql-bin");
            }
            return BinlogPosition.of(rs.getString(1), rs.getLong(2));
        }
    }

    /**
     * MariaDB's GTID position at a binlog place ({@code BINLOG_GTID_POS}: the server scans that file up
     * to the offset), empty when the server has none there (MySQL, or no GTID yet).
     */
    public static Optional<String> gtidPosition(Connection c, BinlogPosition at) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            ps.setString(1, at.file());
            ps.setLong(2, at.offset());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)).filter(s -> !s.isEmpty()) : Optional.empty();
            }
        }
    }

    /** The binlog files the server still has. */
    public static List<String> binaryLogs(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    public static Optional<String> variable(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name.replace("'", "") + "'")) {
            return rs.next() ? Optional.ofNullable(rs.getString(2)) : Optional.empty();
        }
    }

    private static String grants(Connection c) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
            while (rs.next()) {
                sb.append(rs.getString(1).replace("REPLICATION REPLICA", "REPLICATION SLAVE")).append('\n');
            }
        }
        return sb.toString();
    }
}
