package dev.cdc.sink.jdbc.write;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.RetriableException;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Locale;

/**
 * Sorts database errors into retriable ones (the connection, a deadlock or serialization
 * failure, a server going down: the lane's retry policy tries again) and permanent ones (a value
 * the column refuses, a missing privilege: retrying cannot help), and words them with what the
 * sink was doing and how to fix the usual causes. Never includes bound values.
 */
public final class SqlErrors {

    private SqlErrors() {
    }

    /** Whether trying the same work again may succeed. */
    public static boolean retriable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("53")
                        || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                        || state.equals("HYT00") || state.equals("HYT01")) {
                    return true;
                }
                if (s.getErrorCode() == 1205 || s.getErrorCode() == 1213) { // MariaDB lock wait timeout, deadlock
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The exception the engine gets: a {@link RetriableException} or a {@link CdcException}, with the
     * cause kept.
     *
     * @param doing what the sink was doing ("writing 500 rows of public.orders", "running ALTER TABLE ...")
     * @param user  the user the sink connects as, for privilege hints (may be empty)
     */
    public static CdcException translate(SQLException e, String sink, String doing, String user) {
        String text = "sink '" + sink + "': " + doing + " failed: " + message(e);
        if (retriable(e)) {
            return new RetriableException(text + "; it is retried", e);
        }
        return new CdcException(text + hint(e, user), e);
    }

    private static String message(SQLException e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()).strip());
        if (e.getSQLState() != null) {
            sb.append(" (SQLState ").append(e.getSQLState()).append(')');
        }
        SQLException next = e.getNextException();
        if (next != null && next.getMessage() != null && !sb.toString().contains(next.getMessage())) {
            sb.append("; ").append(next.getMessage().strip());
        }
        return sb.toString();
    }

    private static String hint(SQLException e, String user) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        String who = user.isEmpty() ? "the sink's user" : "user '" + user + "'";
        if (state.equals("42501") || msg.contains("command denied") || msg.contains("access denied")
                || msg.contains("permission denied") || msg.contains("not enough rights")) {
            return ". Fix: grant " + who + " the privilege named above (to create tables: PostgreSQL GRANT CREATE ON"
                    + " SCHEMA <schema> TO <user>; MariaDB GRANT CREATE, ALTER, INSERT, UPDATE, DELETE, SELECT ON"
                    + " <database>.* TO <user>), or create the tables yourself (the sink uses existing tables and only"
                    + " adds its sort key column to them)";
        }
        if (state.equals("22001") || msg.contains("data too long") || msg.contains("value too long")) {
            return ". Fix: widen the column (sink option column-types) so that it holds the source's values";
        }
        if (state.equals("22003") || msg.contains("out of range")) {
            return ". Fix: map the column to a wider type with the sink option column-types";
        }
        if (state.equals("23502") || msg.contains("cannot be null")) {
            return ". A NOT NULL column of the target got no value: make it nullable in the target, or check the"
                    + " source's schema changes";
        }
        return "";
    }
}
