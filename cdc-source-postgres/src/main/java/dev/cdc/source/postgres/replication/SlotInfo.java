package dev.cdc.source.postgres.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A row of {@code pg_replication_slots}.
 *
 * @param plugin         its output plugin
 * @param active         whether a walsender uses it now
 * @param activePid      that walsender's pid
 * @param confirmedFlush {@code confirmed_flush_lsn}, or -1
 * @param walStatus      reserved, extended, unreserved or lost
 * @param failover       created or altered with {@code FAILOVER} (PostgreSQL 17+; false before)
 * @param synced         a copy that a standby's slot synchronization keeps (PostgreSQL 17+; false before);
 *                       unusable for decoding while the standby is in recovery
 */
public record SlotInfo(String plugin, boolean active, Integer activePid, long confirmedFlush, String walStatus,
                       boolean failover, boolean synced) {

    /** A slot of a server without failover slots (before PostgreSQL 17). */
    public SlotInfo(String plugin, boolean active, Integer activePid, long confirmedFlush, String walStatus) {
        this(plugin, active, activePid, confirmedFlush, walStatus, false, false);
    }

    public static Optional<SlotInfo> read(Connection c, String slot) throws SQLException {
        // failover and synced exist from PostgreSQL 17 on: read through to_jsonb so older servers answer null
        try (PreparedStatement st = c.prepareStatement("SELECT plugin, active, active_pid,"
                + " confirmed_flush_lsn::text, wal_status, coalesce((to_jsonb(s) ->> 'failover')::boolean, false),"
                + " coalesce((to_jsonb(s) ->> 'synced')::boolean, false)"
                + " FROM pg_catalog.pg_replication_slots s WHERE slot_name = ?")) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String flush = rs.getString(4);
                int pid = rs.getInt(3);
                return Optional.of(new SlotInfo(rs.getString(1), rs.getBoolean(2), rs.wasNull() ? null : pid,
                        flush == null ? -1 : dev.cdc.source.postgres.position.PgPosition.parseLsn(flush),
                        rs.getString(5), rs.getBoolean(6), rs.getBoolean(7)));
            }
        }
    }
}
