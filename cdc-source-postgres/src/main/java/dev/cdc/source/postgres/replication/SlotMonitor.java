package dev.cdc.source.postgres.replication;

import dev.cdc.api.spi.PluginMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Watches the slot's WAL retention on a plain connection of its own (never the replication
 * one): {@code wal_status}, {@code safe_wal_size} and the WAL the slot holds, read at most once
 * per interval from {@link #poll}, which the source thread calls between reads and while it
 * waits for the pipeline. When the server is about to drop the WAL the checkpoint needs
 * ({@code wal_status} {@code unreserved} or {@code lost}, or {@code safe_wal_size} below the
 * warning size) it tells {@code atRisk} why, on every poll while that lasts.
 *
 * <p>Not thread-safe: the source thread only; the gauges' values are read from any thread.
 */
public final class SlotMonitor implements AutoCloseable {

    /** Opens the monitor's plain connection. */
    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    /**
     * One reading of {@code pg_replication_slots}.
     *
     * @param walStatus   reserved, extended, unreserved or lost (empty when the server has no such column value)
     * @param safeWalSize bytes the server can still write before the slot is at risk; -1 when unlimited
     *                    ({@code max_slot_wal_keep_size = -1}) or unknown
     * @param retained    bytes between the server's current WAL position and the slot's confirmed_flush_lsn
     */
    public record Reading(String walStatus, long safeWalSize, long retained) {

        /** Why the slot's WAL is at risk, if it is, given the warning size (bytes). */
        public Optional<String> risk(String slot, long warningBytes) {
            if ("unreserved".equals(walStatus) || "lost".equals(walStatus)) {
                return Optional.of("replication slot " + slot + " has wal_status '" + walStatus + "' ("
                        + (walStatus.equals("lost") ? "the server removed WAL the slot needed"
                        : "the server will remove WAL the slot needs at its next checkpoint")
                        + "; it retains " + retained + " bytes past the checkpoint, max_slot_wal_keep_size exceeded)");
            }
            if (safeWalSize >= 0 && safeWalSize < warningBytes) {
                return Optional.of("replication slot " + slot + " has safe_wal_size " + safeWalSize
                        + " bytes, below slot-retention-warning " + warningBytes + " bytes (wal_status '" + walStatus
                        + "', " + retained + " bytes retained past the checkpoint): the server drops its WAL once "
                        + "max_slot_wal_keep_size is exceeded");
            }
            return Optional.empty();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SlotMonitor.class);

    private final Opener opener;
    private final String slot;
    private final long warningBytes;
    private final long everyNanos;
    private final Consumer<String> atRisk;
    private Connection connection;
    private long nextPoll = System.nanoTime();
    private volatile Reading last = new Reading("", -1, 0);
    private boolean wasAtRisk;

    public SlotMonitor(Opener opener, String slot, long warningBytes, Duration every, Consumer<String> atRisk) {
        this.opener = opener;
        this.slot = slot;
        this.warningBytes = warningBytes;
        this.everyNanos = every.toNanos();
        this.atRisk = atRisk;
    }

    /** The slot's gauges: WAL retained, safe_wal_size and wal_status, read from {@link #last}. */
    public void registerGauges(PluginMetrics m) {
        m.gauge("cdc.source.postgres.wal.retained.bytes", "WAL the slot retains: pg_current_wal_lsn() - "
                + "confirmed_flush_lsn", () -> last().retained());
        m.gauge("cdc.source.slot.safe_wal_size", "Bytes the server may still write before it drops WAL the slot "
                + "needs (pg_replication_slots.safe_wal_size); -1 when unlimited", () -> last().safeWalSize());
        m.gauge("cdc.source.slot.wal_status", "The slot's wal_status: 0 reserved, 1 extended, 2 unreserved, 3 lost "
                + "(-1 unknown)", () -> walStatusCode(last().walStatus()));
    }

    private static double walStatusCode(String status) {
        return switch (status) {
            case "reserved" -> 0;
            case "extended" -> 1;
            case "unreserved" -> 2;
            case "lost" -> 3;
            default -> -1;
        };
    }

    /** The last reading (for gauges). */
    public Reading last() {
        return last;
    }

    /** Reads the slot when the interval has passed; a failed read is logged and retried next interval. */
    public void poll() {
        long now = System.nanoTime();
        if (now < nextPoll) {
            return;
        }
        nextPoll = now + everyNanos;
        Optional<Reading> r;
        try {
            r = read();
        } catch (SQLException e) {
            LOG.debug("could not read slot {}'s WAL retention: {}", slot, e.getMessage());
            close();
            return;
        }
        if (r.isEmpty()) {
            return;
        }
        last = r.get();
        Optional<String> risk = r.get().risk(slot, warningBytes);
        if (risk.isPresent()) {
            if (!wasAtRisk) {
                LOG.warn("{}", risk.get());
            }
            atRisk.accept(risk.get());
        } else if (wasAtRisk) {
            LOG.info("replication slot {} is no longer at risk (wal_status '{}', safe_wal_size {})", slot,
                    r.get().walStatus(), r.get().safeWalSize());
        }
        wasAtRisk = risk.isPresent();
    }

    private Optional<Reading> read() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = opener.open();
        }
        try (PreparedStatement st = connection.prepareStatement("SELECT wal_status, safe_wal_size,"
                + " pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String status = rs.getString(1);
                long safe = rs.getLong(2);
                boolean unlimited = rs.wasNull();
                long retained = rs.getLong(3);
                return Optional.of(new Reading(status == null ? "" : status, unlimited ? -1 : Math.max(0, safe),
                        retained));
            }
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the slot monitor's connection: {}", e.getMessage());
            }
            connection = null;
        }
    }
}
