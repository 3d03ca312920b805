package dev.cdc.source.jdbc.dialect;

import dev.cdc.api.event.TableId;
import dev.cdc.source.jdbc.catalog.JdbcColumn;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.catalog.JdbcTypes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * MariaDB / MySQL: three row triggers per table write {@code JSON_OBJECT} of the listed columns
 * (binary ones as hex), so a column added later needs the triggers replaced (the source does so
 * with {@code setup: auto}, and fills the rows written in between from the table: {@link #currentImage}).
 * MariaDB gives a trigger no transaction id: {@code txid} stays empty.
 */
final class MariaDbDialect implements Dialect, ChangeLogSql {

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public boolean namespaceIsCatalog() {
        return true;
    }

    @Override
    public String nowMinus(java.time.Duration window, boolean withTimeZone) {
        return "(NOW(6) - INTERVAL " + window.toNanos() / 1000 + " MICROSECOND)";
    }

    @Override
    public List<String> createLog(TableId log) {
        return List.of("CREATE TABLE IF NOT EXISTS " + qualified(log) + " (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                + " txid VARCHAR(40) NULL, tbl VARCHAR(200) NOT NULL, op CHAR(1) NOT NULL,"
                + " ts DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), before_row LONGTEXT, after_row LONGTEXT)"
                + " ENGINE=InnoDB");
    }

    @Override
    public Optional<String> estimateQuery() {
        return Optional.of("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?");
    }

    @Override
    public String insertWatermark(TableId log) {
        return "INSERT INTO " + qualified(log) + " (tbl, op, ts, after_row, before_row) VALUES ('-', '" + WATERMARK_OP
                + "', UTC_TIMESTAMP(6), ?, ?)";
    }

    private String image(JdbcTable table, String row) {
        return "JSON_OBJECT(" + table.columns().stream().map(c -> "'" + c.name().replace("'", "''") + "', "
                + value(c, row)).collect(Collectors.joining(", ")) + ")";
    }

    private String value(JdbcColumn c, String row) {
        String ref = row + "." + quote(c.name());
        return JdbcTypes.isBinary(c.type()) ? "HEX(" + ref + ")" : ref;
    }

    /**
     * Drops and creates the three triggers while the table is locked for writing ({@code LOCK TABLES
     * ... WRITE}, which MySQL and MariaDB allow trigger DDL under): a write waits for the new
     * triggers instead of slipping through while there are none.
     */
    @Override
    public List<String> createTriggers(TableId log, JdbcTable table) {
        String t = qualified(table.id());
        List<String> out = new ArrayList<>();
        out.add("LOCK TABLES " + t + " WRITE");
        out.addAll(dropTriggers(log, table.id()));
        for (String[] kind : KINDS) {
            out.add("CREATE TRIGGER " + name(log, table.id(), kind[0]) + " AFTER " + kind[1] + " ON " + t
                    + " FOR EACH ROW " + body(log, table, kind[0]));
        }
        out.add("UNLOCK TABLES");
        return out;
    }

    private static final String[][] KINDS = {{"_i", "INSERT"}, {"_u", "UPDATE"}, {"_d", "DELETE"}};

    /** The statement a trigger runs: one change-log row of the table's columns as they are now. */
    private String body(TableId log, JdbcTable table, String kind) {
        String into = "INSERT INTO " + qualified(log) + " (tbl, op, ts, before_row, after_row) VALUES ('"
                + table.id().toString().replace("'", "''") + "', ";
        return into + switch (kind) {
            case "_i" -> "'c', UTC_TIMESTAMP(6), NULL, " + image(table, "NEW") + ")";
            case "_u" -> "'u', UTC_TIMESTAMP(6), " + image(table, "OLD") + ", " + image(table, "NEW") + ")";
            default -> "'d', UTC_TIMESTAMP(6), " + image(table, "OLD") + ", NULL)";
        };
    }

    @Override
    public boolean triggersListColumns() {
        return true;
    }

    @Override
    public Optional<String> currentImage(JdbcTable table) {
        return Optional.of("SELECT " + image(table, "r") + " FROM " + qualified(table.id()) + " r WHERE "
                + table.primaryKey().stream().map(k -> "r." + quote(k) + " = " + (table.column(k)
                .filter(c -> JdbcTypes.isBinary(c.type())).isPresent() ? "UNHEX(?)" : "?"))
                .collect(Collectors.joining(" AND ")));
    }

    @Override
    public List<JdbcTable> staleTriggers(Connection connection, TableId log, List<JdbcTable> tables)
            throws SQLException {
        List<JdbcTable> out = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT ACTION_STATEMENT FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME = ?")) {
            for (JdbcTable t : tables) {
                st.setString(1, t.id().namespace());
                st.setString(2, ChangeLogSql.triggerName(log, t.id(), "_u", 64));
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next() && !body(log, t, "_u").equals(rs.getString(1))) {
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    private String name(TableId log, TableId table, String suffix) {
        return quote(table.namespace()) + "." + quote(ChangeLogSql.triggerName(log, table, suffix, 64));
    }

    @Override
    public List<String> dropTriggers(TableId log, TableId table) {
        return List.of("DROP TRIGGER IF EXISTS " + name(log, table, "_i"), "DROP TRIGGER IF EXISTS "
                + name(log, table, "_u"), "DROP TRIGGER IF EXISTS " + name(log, table, "_d"));
    }

    @Override
    public List<String> dropLog(TableId log) {
        return List.of("DROP TABLE IF EXISTS " + qualified(log));
    }

    @Override
    public List<TableId> tablesWithTriggers(Connection connection, TableId log) throws SQLException {
        List<TableId> out = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT DISTINCT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE"
                + " FROM information_schema.TRIGGERS WHERE ACTION_STATEMENT LIKE ? ORDER BY 1, 2")) {
            st.setString(1, "%INSERT INTO " + qualified(log).replace("_", "\\_") + " (tbl, op, ts,%");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(TableId.of(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }
}
