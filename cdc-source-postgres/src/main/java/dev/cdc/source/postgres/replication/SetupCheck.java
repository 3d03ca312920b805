package dev.cdc.source.postgres.replication;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.TableId;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the database must provide for logical replication, each check as a message that says
 * what was found, what is needed and the setting or SQL that fixes it. Pure functions over facts
 * read from the server, so they are unit-tested without one (and {@link #checkServer}, which reads them).
 */
public final class SetupCheck {

    private SetupCheck() {
    }

    /**
     * At open: the server's version (returned, {@code server_version_num}), {@code wal_level} and the
     * role's replication right; {@code failover-slot: true} needs PostgreSQL 17.
     */
    public static int checkServer(Connection c, boolean failoverSlot) throws SQLException {
        try (Statement st = c.createStatement()) {
            int serverVersion;
            try (ResultSet rs = st.executeQuery("SHOW server_version_num")) {
                rs.next();
                serverVersion = Integer.parseInt(rs.getString(1));
            }
            if (failoverSlot && serverVersion < 170000) {
                throw new CdcException("failover-slot: true needs PostgreSQL 17 or later (CREATE_REPLICATION_SLOT "
                        + "... FAILOVER); the server is " + serverVersion / 10000 + ": set failover-slot: false");
            }
            try (ResultSet rs = st.executeQuery("SHOW wal_level")) {
                rs.next();
                require(walLevel(rs.getString(1)));
            }
            try (ResultSet rs = st.executeQuery("SELECT current_user, rolreplication, rolsuper FROM pg_catalog.pg_roles"
                    + " WHERE rolname = current_user")) {
                rs.next();
                require(replicationRole(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3)));
            }
            return serverVersion;
        }
    }

    public static Optional<String> walLevel(String walLevel) {
        if ("logical".equals(walLevel)) {
            return Optional.empty();
        }
        return Optional.of("wal_level is '" + walLevel + "' but logical replication needs 'logical': run "
                + "ALTER SYSTEM SET wal_level = logical; (as a superuser) and restart PostgreSQL "
                + "(also check max_replication_slots and max_wal_senders are > 0)");
    }

    public static Optional<String> replicationRole(String role, boolean replication, boolean superuser) {
        if (replication || superuser) {
            return Optional.empty();
        }
        return Optional.of("role '" + role + "' has no REPLICATION attribute, which a logical replication slot "
                + "needs: run ALTER ROLE \"" + role + "\" REPLICATION; (as a superuser) or set the source's 'user' "
                + "to a role that has it");
    }

    public static Optional<String> selectPrivilege(String role, List<TableId> withoutSelect) {
        if (withoutSelect.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("role '" + role + "' may not SELECT from " + withoutSelect + ", which the snapshot and "
                + "the publication need: run " + String.join(" ", withoutSelect.stream()
                .map(t -> "GRANT SELECT ON " + quoted(t) + " TO \"" + role + "\";").toList()));
    }

    public static Optional<String> publicationTables(String publication, Collection<TableId> missing) {
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("publication '" + publication + "' does not include " + missing + ", which the source "
                + "is configured to capture: run ALTER PUBLICATION " + publication + " ADD TABLE "
                + String.join(", ", missing.stream().map(SetupCheck::quoted).toList())
                + "; or remove them from 'tables'");
    }

    public static Optional<String> slotActive(String slot, boolean active, Integer pid) {
        if (!active) {
            return Optional.empty();
        }
        return Optional.of("replication slot '" + slot + "' is in use by another consumer (walsender pid " + pid
                + "): stop that consumer, or give this source its own 'slot'; to end it anyway run "
                + "SELECT pg_terminate_backend(" + pid + ");");
    }

    public static Optional<String> slotLost(String slot, String walStatus) {
        if (!"lost".equals(walStatus)) {
            return Optional.empty();
        }
        return Optional.of("replication slot '" + slot + "' was invalidated (wal_status 'lost'): the server "
                + "removed WAL the slot still needed, usually because it passed max_slot_wal_keep_size. Changes "
                + "were lost; drop it with SELECT pg_drop_replication_slot('" + slot + "'); and restart with "
                + "snapshot-mode when-needed (or initial) to read the tables again; or set on-position-lost: heal "
                + "to create the slot again and backfill the captured tables while streaming; consider raising "
                + "max_slot_wal_keep_size");
    }

    public static Optional<String> slotMissing(String slot, String checkpoint, boolean failoverSlot) {
        return Optional.of("replication slot '" + slot + "' does not exist, but the pipeline has a checkpoint at "
                + checkpoint + ": the slot was dropped and the changes since are gone. Set on-position-lost: heal to "
                + "create the slot again and backfill the captured tables while streaming, or snapshot-mode "
                + "when-needed to read the tables again into a new slot (or delete the checkpoint and use "
                + "snapshot-mode initial). " + (failoverSlot
                ? "failover-slot is on: if this server was promoted from a standby, the standby had no ready copy of "
                + "the slot (it needs sync_replication_slots = on, hot_standby_feedback = on, primary_slot_name and "
                + "a dbname in primary_conninfo; the primary needs synchronized_standby_slots naming that physical "
                + "slot; and the copy must be ready: synced and not temporary in the standby's pg_replication_slots)"
                : "If this server was promoted from a standby, the slot was not copied to it: on PostgreSQL 17+ set "
                + "failover-slot: true (and sync_replication_slots = on on the standby) so a failover keeps it"));
    }

    public static Optional<String> slotSyncedOnStandby(String slot) {
        return Optional.of("replication slot '" + slot + "' on this server is a copy synchronized from the primary "
                + "(pg_replication_slots.synced) and the server is a standby (pg_is_in_recovery()): the copy cannot "
                + "be streamed from until the standby is promoted. Point 'url' at the primary, or promote this "
                + "standby (failover)");
    }

    public static Optional<String> slotAhead(String slot, String confirmedFlush, String checkpoint) {
        return Optional.of("replication slot '" + slot + "' has confirmed_flush_lsn " + confirmedFlush
                + ", after the pipeline's checkpoint " + checkpoint + ": the slot was recreated or advanced by "
                + "someone else, so the changes between them would be skipped. Refusing to start. Set "
                + "on-position-lost: heal to backfill the captured tables from a new slot, or snapshot-mode "
                + "when-needed to read the tables again, or drop the slot "
                + "(SELECT pg_drop_replication_slot('" + slot + "');) and delete the checkpoint");
    }

    public static Optional<String> slotPlugin(String slot, String plugin) {
        if ("pgoutput".equals(plugin)) {
            return Optional.empty();
        }
        return Optional.of("replication slot '" + slot + "' uses the output plugin '" + plugin + "' but this "
                + "source reads pgoutput: give the source another 'slot', or drop this one with "
                + "SELECT pg_drop_replication_slot('" + slot + "');");
    }

    public static Optional<String> slotExistsWithoutCheckpoint(String slot) {
        return Optional.of("replication slot '" + slot + "' already exists but the pipeline has no checkpoint, "
                + "and an initial snapshot needs a new slot (its exported snapshot is what makes the handover "
                + "exact). Drop it with SELECT pg_drop_replication_slot('" + slot + "'); or give the source "
                + "another 'slot', or set snapshot-mode never to stream from the slot as it is");
    }

    /** Throws when any message is present. */
    public static void require(Optional<String> problem) {
        problem.ifPresent(p -> {
            throw new CdcException(p);
        });
    }

    static String quoted(TableId t) {
        return "\"" + t.namespace().replace("\"", "\"\"") + "\".\"" + t.name().replace("\"", "\"\"") + "\"";
    }
}
