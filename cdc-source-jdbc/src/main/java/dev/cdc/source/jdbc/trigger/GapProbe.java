package dev.cdc.source.jdbc.trigger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Asks the database whether a range of missing change-log ids is held by a running transaction.
 * An insert holds a lock on its row until it commits or rolls back, so: a lock conflict means a
 * transaction still holds an id of the range ({@link State#BUSY}: wait for it, however long);
 * rows found mean one committed meanwhile ({@link State#COMMITTED}: read again); neither means
 * no transaction holds any id of it now ({@link State#FREE}: rolled back, never used, or, for a
 * moment, taken by an insert that has not written its row yet, which is why a range is skipped
 * only when found free twice, {@code gap-confirm} apart).
 */
interface GapProbe {

    enum State { BUSY, COMMITTED, FREE }

    State probe(Connection connection, long from, long to) throws SQLException;

    /** MariaDB / MySQL (InnoDB): a locking read that must not wait ({@code LOCK IN SHARE MODE NOWAIT}). */
    static GapProbe lockingRead(String log) {
        return (c, from, to) -> {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement("SELECT id FROM " + log
                    + " WHERE id BETWEEN ? AND ? LOCK IN SHARE MODE NOWAIT")) {
                st.setLong(1, from);
                st.setLong(2, to);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? State.COMMITTED : State.FREE;
                }
            } catch (SQLException e) {
                if (e.getErrorCode() == 1205 || e.getErrorCode() == 3572 || "HY000".equals(e.getSQLState())
                        && String.valueOf(e.getMessage()).contains("Lock wait")) {
                    return State.BUSY;
                }
                throw e;
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        };
    }

    /**
     * H2 (MVStore), where a locking read does not see another session's uncommitted insert: the
     * ids are inserted (and rolled back) one by one with a short lock timeout: a lock timeout
     * means an open transaction holds the id, a duplicate key a committed row.
     */
    static GapProbe probeInsert(String log, String idColumn, String required) {
        return (c, from, to) -> {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCK_TIMEOUT 50");
                try (PreparedStatement st = c.prepareStatement("INSERT INTO " + log + " (" + idColumn + ", " + required
                        + ") VALUES (?, '-', '-')")) {
                    for (long id = from; id <= to && id < from + 1000; id++) {
                        st.setLong(1, id);
                        try {
                            st.executeUpdate();
                        } catch (SQLException e) {
                            if ("23505".equals(e.getSQLState())) {
                                return State.COMMITTED;
                            }
                            if ("HYT00".equals(e.getSQLState()) || e.getErrorCode() == 50200) {
                                return State.BUSY;
                            }
                            throw e;
                        }
                    }
                }
                return to - from >= 1000 ? State.BUSY : State.FREE;
            } finally {
                c.rollback();
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCK_TIMEOUT 10000");
                }
                c.setAutoCommit(auto);
            }
        };
    }
}
