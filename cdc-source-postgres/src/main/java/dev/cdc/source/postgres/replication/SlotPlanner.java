package dev.cdc.source.postgres.replication;

import dev.cdc.api.event.Position;
import dev.cdc.jdbc.snapshot.SnapshotMode;
import dev.cdc.jdbc.snapshot.backfill.OnPositionLost;
import dev.cdc.source.postgres.position.PgPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * At open (and when the slot is found gone while streaming): what the source does with its slot
 * and its checkpoint. Snapshot into a new slot, resume a snapshot, or stream; a slot that is
 * missing, invalidated or ahead of the checkpoint is refused, read again from scratch
 * ({@code snapshot-mode: when-needed}) or healed ({@code on-position-lost: heal}: a new slot,
 * streamed from its consistent point, with a backfill of every captured table, which the source
 * requests). Runs on the source's catalog connection; creates the slot on a new replication
 * connection that the source then keeps.
 */
public final class SlotPlanner {

    private static final Logger LOG = LoggerFactory.getLogger(SlotPlanner.class);
    private static final Duration ACTIVE_SLOT_WAIT = Duration.ofSeconds(15);

    public enum Plan { SNAPSHOT_NEW, SNAPSHOT_RESUME, STREAM }

    /** What was decided. Fields the plan does not use keep their defaults. */
    public static final class Decision {
        public Plan plan = Plan.STREAM;
        public long startLsn;
        public long skipLsn = -1;
        public int skipIndex = -1;
        public long consistentPoint;
        public String snapshotName;
        public Position resumeSnapshot;
        /** The connection the slot was created on (its exported snapshot lives as long as it), or null. */
        public Connection replicationConnection;
        /** The lost checkpoint's LSN when the slot was healed: the backfills' ids derive from it. */
        public Optional<String> healedFrom = Optional.empty();
    }

    private final Connection catalog;
    private final Connections connections;
    private final String slot;
    private final SnapshotMode mode;
    private final OnPositionLost onLost;
    private final boolean failover;
    private final HeartbeatMark mark;

    public SlotPlanner(Connection catalog, Connections connections, String slot, SnapshotMode mode,
                       OnPositionLost onLost, boolean failover, HeartbeatMark mark) {
        this.mark = mark;
        this.catalog = catalog;
        this.connections = connections;
        this.slot = slot;
        this.mode = mode;
        this.onLost = onLost;
        this.failover = failover;
    }

    /** At open. */
    public Decision decide(Optional<Position> resume) throws SQLException, InterruptedException {
        Decision d = new Decision();
        Optional<SlotInfo> info = awaitInactiveSlot();
        if (info.isPresent()) {
            SetupCheck.require(SetupCheck.slotPlugin(slot, info.get().plugin()));
            if (info.get().synced() && inRecovery()) {
                SetupCheck.require(SetupCheck.slotSyncedOnStandby(slot));
            }
            if (failover && !info.get().failover() && !info.get().synced() && !inRecovery()) {
                enableFailover();
            }
        }
        if (mode == SnapshotMode.INITIAL_ONLY) {
            createSlot(d, true, true);
            d.plan = Plan.SNAPSHOT_NEW;
            return d;
        }
        if (resume.isPresent()) {
            Position p = resume.get();
            long lsn = PgPosition.lsn(p);
            Optional<String> problem = problem(info, p, lsn);
            if (problem.isPresent()) {
                if (onLost == OnPositionLost.HEAL && !PgPosition.isSnapshot(p)) {
                    return heal(info.isPresent(), PgPosition.formatLsn(lsn), problem.get());
                }
                if (mode != SnapshotMode.WHEN_NEEDED) {
                    SetupCheck.require(problem);
                }
                LOG.warn("{}; snapshot-mode is when-needed: reading the tables again into a new slot", problem.get());
                if (info.isPresent()) {
                    dropSlot();
                }
                createSlot(d, true, false);
                d.plan = Plan.SNAPSHOT_NEW;
                return d;
            }
            if (PgPosition.isSnapshot(p)) {
                d.plan = Plan.SNAPSHOT_RESUME;
                d.resumeSnapshot = p;
                d.consistentPoint = lsn;
                d.startLsn = lsn;
                LOG.info("resuming the snapshot after {}", p);
            } else {
                d.plan = Plan.STREAM;
                d.startLsn = lsn;
                d.skipLsn = lsn;
                d.skipIndex = PgPosition.index(p);
                LOG.info("resuming the stream after {} (slot at {})", p,
                        PgPosition.formatLsn(info.get().confirmedFlush()));
            }
            return d;
        }
        if (mode == SnapshotMode.NEVER) {
            if (info.isPresent()) {
                SetupCheck.require(SetupCheck.slotLost(slot, info.get().walStatus()));
                d.startLsn = info.get().confirmedFlush();
            } else {
                createSlot(d, false, false);
            }
            d.plan = Plan.STREAM;
            return d;
        }
        if (info.isPresent()) {
            if (mode == SnapshotMode.INITIAL) {
                SetupCheck.require(SetupCheck.slotExistsWithoutCheckpoint(slot));
            }
            LOG.warn("slot {} exists but there is no checkpoint; snapshot-mode when-needed: dropping and creating it "
                    + "again for a consistent snapshot", slot);
            dropSlot();
        }
        createSlot(d, true, false);
        d.plan = Plan.SNAPSHOT_NEW;
        return d;
    }

    /** What is wrong with the slot for a checkpoint at {@code lsn}, if anything. */
    private Optional<String> problem(Optional<SlotInfo> info, Position checkpoint, long lsn) throws SQLException {
        if (info.isEmpty()) {
            return SetupCheck.slotMissing(slot, checkpoint.toString(), failover);
        }
        if ("lost".equals(info.get().walStatus())) {
            return SetupCheck.slotLost(slot, info.get().walStatus());
        }
        if (info.get().confirmedFlush() > lsn && !heartbeatAhead(info.get(), checkpoint, lsn)) {
            return SetupCheck.slotAhead(slot, PgPosition.formatLsn(info.get().confirmedFlush()),
                    PgPosition.formatLsn(lsn));
        }
        return Optional.empty();
    }

    /** The slot is ahead of a stream checkpoint only because heartbeats moved it over nothing captured. */
    private boolean heartbeatAhead(SlotInfo info, Position checkpoint, long lsn) throws SQLException {
        if (PgPosition.isSnapshot(checkpoint) || !mark.covers(catalog, lsn, PgPosition.index(checkpoint),
                info.confirmedFlush())) {
            return false;
        }
        LOG.info("slot {} is at {}, after the checkpoint {}: heartbeats moved it over WAL without captured changes",
                slot, PgPosition.formatLsn(info.confirmedFlush()), checkpoint);
        return true;
    }

    /**
     * While streaming from {@code lsn}: the slot is missing or invalidated. Refused with
     * {@code on-position-lost: fail}; healed (a new slot, streamed from its consistent point) with heal.
     *
     * @return the decision when healed; empty when the slot is usable after all
     */
    public Optional<Decision> checkWhileStreaming(long lsn) throws SQLException {
        Optional<SlotInfo> info = SlotInfo.read(catalog, slot);
        Optional<String> problem = info.isEmpty() ? SetupCheck.slotMissing(slot, PgPosition.formatLsn(lsn), failover)
                : SetupCheck.slotLost(slot, info.get().walStatus());
        if (problem.isEmpty()) {
            return Optional.empty();
        }
        if (onLost != OnPositionLost.HEAL) {
            SetupCheck.require(problem);
        }
        return Optional.of(heal(info.isPresent(), PgPosition.formatLsn(lsn), problem.get()));
    }

    private Decision heal(boolean exists, String lostAt, String problem) throws SQLException {
        LOG.warn("{}; on-position-lost is heal: creating slot {} again, streaming from its consistent point and "
                + "backfilling every captured table", problem, slot);
        if (exists) {
            dropSlot();
        }
        Decision d = new Decision();
        createSlot(d, false, false);
        d.plan = Plan.STREAM;
        d.healedFrom = Optional.of(lostAt);
        return d;
    }

    private Optional<SlotInfo> awaitInactiveSlot() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + ACTIVE_SLOT_WAIT.toNanos();
        while (true) {
            Optional<SlotInfo> info = SlotInfo.read(catalog, slot);
            if (info.isEmpty() || !info.get().active()) {
                return info;
            }
            if (System.nanoTime() > deadline) {
                SetupCheck.require(SetupCheck.slotActive(slot, true, info.get().activePid()));
            }
            Thread.sleep(200);
        }
    }

    private boolean inRecovery() throws SQLException {
        try (Statement st = catalog.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** {@code failover-slot: true} for a slot created without it (before the option was set): ALTER_REPLICATION_SLOT. */
    private void enableFailover() throws SQLException {
        try (Connection replication = connections.replication(); Statement st = replication.createStatement()) {
            st.execute(alterFailoverCommand(slot));
        }
        LOG.info("replication slot {} existed without FAILOVER: altered to FAILOVER true (failover-slot: true)", slot);
    }

    static String alterFailoverCommand(String name) {
        return "ALTER_REPLICATION_SLOT " + name + " (FAILOVER true)";
    }

    private void dropSlot() throws SQLException {
        try (PreparedStatement st = catalog.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            st.setString(1, slot);
            st.execute();
        }
    }

    /** Creates the slot on a new replication connection, which is kept (idle) so its exported snapshot stays valid. */
    private void createSlot(Decision d, boolean exportSnapshot, boolean temporary) throws SQLException {
        Connection replication = connections.replication();
        String name = temporary ? slot + "_initial" : slot;
        try (Statement st = replication.createStatement();
             ResultSet rs = st.executeQuery(createSlotCommand(name, exportSnapshot, temporary, failover))) {
            rs.next();
            d.consistentPoint = PgPosition.parseLsn(rs.getString(2));
            d.snapshotName = rs.getString(3);
        } catch (SQLException e) {
            replication.close();
            throw e;
        }
        d.replicationConnection = replication;
        d.startLsn = d.consistentPoint;
        LOG.info("created replication slot {} at consistent point {}{}{}", name,
                PgPosition.formatLsn(d.consistentPoint), exportSnapshot ? " with snapshot " + d.snapshotName : "",
                failover && !temporary ? " (failover)" : "");
    }

    /**
     * The replication command that creates the slot: the classic form, or with {@code failover}
     * (PostgreSQL 17+) the parenthesized options form with {@code FAILOVER}.
     */
    static String createSlotCommand(String name, boolean exportSnapshot, boolean temporary, boolean failover) {
        String head = "CREATE_REPLICATION_SLOT " + name + (temporary ? " TEMPORARY" : "") + " LOGICAL pgoutput";
        if (failover && !temporary) {
            return head + " (SNAPSHOT '" + (exportSnapshot ? "export" : "nothing") + "', FAILOVER true)";
        }
        return head + " " + (exportSnapshot ? "EXPORT_SNAPSHOT" : "NOEXPORT_SNAPSHOT");
    }
}
