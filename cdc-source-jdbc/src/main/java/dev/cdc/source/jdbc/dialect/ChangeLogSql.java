package dev.cdc.source.jdbc.dialect;

import dev.cdc.api.event.TableId;
import dev.cdc.source.jdbc.catalog.JdbcTable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The DDL of the change log of {@code jdbc-trigger}: a table with the columns {@code id} (an
 * increasing identity), {@code txid} (the writing transaction, where the database tells it),
 * {@code tbl} ({@code namespace.name}), {@code op} ({@code c}, {@code u}, {@code d}), {@code ts}
 * (the statement time), {@code before_row} and {@code after_row} (JSON objects of the row), and the
 * row triggers that append to it.
 */
public interface ChangeLogSql {

    /** Creates the change-log table (and what the triggers share) when missing. */
    List<String> createLog(TableId log);

    /**
     * Creates or replaces the triggers of one captured table, for its current columns, with no moment
     * in which a write to the table goes uncaptured.
     */
    List<String> createTriggers(TableId log, JdbcTable table);

    /**
     * Whether the triggers list the table's columns (MariaDB), so that after {@code ALTER TABLE}
     * they write the old columns until replaced; false when they write whatever columns the row has.
     */
    default boolean triggersListColumns() {
        return false;
    }

    /**
     * With {@link #triggersListColumns}: a query of one row's image as the triggers would write it
     * now, of every current column, with one parameter per primary-key column (bound as the text the
     * images hold).
     */
    default Optional<String> currentImage(JdbcTable table) {
        return Optional.empty();
    }

    /** The tables among {@code tables} whose triggers write other columns than the tables have now. */
    default List<JdbcTable> staleTriggers(Connection connection, TableId log, List<JdbcTable> tables)
            throws SQLException {
        return List.of();
    }

    /**
     * An insert of one backfill watermark row into the change log: {@code op} {@value #WATERMARK_OP},
     * {@code tbl} {@code '-'}, {@code after_row} the mark (parameter 1), {@code before_row} how many
     * chunk events follow it (parameter 2, text or NULL). The reader orders it like any change and
     * never turns it into an event; it is removed with the rows a checkpoint covers.
     */
    String insertWatermark(TableId log);

    /** The {@code op} of a watermark row. */
    String WATERMARK_OP = "w";

    /** Removes the triggers of one captured table. */
    List<String> dropTriggers(TableId log, TableId table);

    /** Removes the change-log table (and what the triggers shared). */
    List<String> dropLog(TableId log);

    /** The captured tables that have this log's triggers now (by trigger name). */
    List<TableId> tablesWithTriggers(Connection connection, TableId log) throws SQLException;

    /** Whether the change-log table exists. */
    default boolean logExists(Connection connection, TableId log) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            st.setString(1, log.namespace());
            st.setString(2, log.name());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Whether the error says the user lacks a privilege. */
    default boolean isPrivilegeError(SQLException e) {
        return "42501".equals(e.getSQLState()) || e.getErrorCode() == 1142 || e.getErrorCode() == 1227
                || e.getErrorCode() == 1044 || e.getErrorCode() == 90096;
    }

    /**
     * A trigger name: the log's name, '_', the table's name and the suffix, or (too long for
     * {@code max}) the log's name, '_', 8 hex digits of the table's hash and the suffix.
     */
    static String triggerName(TableId log, TableId table, String suffix, int max) {
        String plain = log.name() + "_" + table.name() + suffix;
        if (plain.length() <= max && plain.matches("[A-Za-z0-9_]+")) {
            return plain;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(table.toString().getBytes(StandardCharsets.UTF_8));
            return log.name() + "_" + HexFormat.of().formatHex(hash, 0, 4) + suffix;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
