package dev.cdc.source.postgres.replication;

import dev.cdc.source.postgres.decoding.InternalMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the source tells the server about its progress: the engine's committed LSN, handed to the
 * slot between reads ({@link #acknowledge}), and, between heartbeats, the confirmation of WAL that
 * holds nothing captured past the checkpoint ({@link #confirmIdle}, with its {@link HeartbeatMark}),
 * so an idle captured table does not make the slot retain WAL forever. It also tracks the last
 * emitted stream position (where a reconnect resumes). {@link #committed} on the engine's
 * checkpoint thread (atomics only); the rest on the source thread.
 */
public final class IdleConfirmation {

    private static final Logger LOG = LoggerFactory.getLogger(IdleConfirmation.class);

    private final String slot;
    private final String publication;
    private final HeartbeatMark mark;
    private final AtomicLong committedLsn = new AtomicLong(-1);
    /** The last committed stream position, {lsn, index} (null: none this run). */
    private final AtomicReference<long[]> committedPosition = new AtomicReference<>();
    private long flushedSent = -1;
    private long lastEmittedLsn = -1;
    private long heartbeatMillis;
    private long nextHeartbeat = Long.MAX_VALUE;
    private int lastEmittedIndex = -1;

    public IdleConfirmation(String slot, String publication) {
        this.slot = slot;
        this.publication = publication;
        this.mark = new HeartbeatMark(publication, slot);
    }

    /** The note a restart reads to accept a slot that heartbeats moved past the checkpoint. */
    public HeartbeatMark mark() {
        return mark;
    }

    /** A stream checkpoint was committed (engine's checkpoint thread). */
    public void committed(long lsn, int index) {
        committedLsn.accumulateAndGet(lsn, Math::max);
        long[] at = {lsn, index};
        committedPosition.accumulateAndGet(at, (a, b) -> a == null || Arrays.compare(b, a) > 0 ? b : a);
    }

    /** An event at ({@code lsn}, {@code index}) was emitted. */
    public void emitted(long lsn, int index) {
        lastEmittedLsn = lsn;
        lastEmittedIndex = index;
    }

    /** Nothing was emitted from the stream starting now (a healed slot). */
    public void forgetEmitted() {
        lastEmittedLsn = -1;
    }

    /** The last emitted stream position {lsn, index}, or null when none. */
    public long[] lastEmitted() {
        return lastEmittedLsn < 0 ? null : new long[] {lastEmittedLsn, lastEmittedIndex};
    }

    /** A new replication stream: the slot's confirmed position is what the server knows. */
    public void streaming(long slotFlush) {
        flushedSent = slotFlush;
    }

    /** Hands the engine's committed LSN to the server. */
    public void acknowledge(WalStream stream) throws SQLException {
        long c = committedLsn.get();
        if (c > flushedSent && stream != null) {
            stream.acknowledge(c);
            flushedSent = c;
        }
    }

    /**
     * While the pipeline is full: answers the walsender, so that {@code wal_sender_timeout} does not
     * drop the connection, with the flushed position still the checkpoint's (never ahead).
     *
     * @return false when the server no longer answers on the plain connection (shutting down): the
     *         source should let the replication connection go and reconnect after the wait
     */
    public boolean keepAlive(WalStream stream, Connection catalog) {
        if (!answers(catalog)) {
            // a fast shutdown terminates the plain connections first, then waits for the walsender,
            // which waits for this client to catch up; a keepalive would hold the shutdown as long
            // as the pipeline is full: let the replication connection go, reconnect after the wait
            LOG.info("the server closed the plain connection while the source waits for the pipeline (shutting"
                    + " down?): closing the replication connection; reconnecting once the pipeline takes events");
            return false;
        }
        try {
            acknowledge(stream);
            stream.keepAlive();
        } catch (SQLException e) {
            LOG.debug("keepalive while waiting for the pipeline failed: {}", e.getMessage());
        }
        return true;
    }

    private static boolean answers(Connection catalog) {
        try {
            return catalog != null && catalog.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** A streaming session starts: heartbeats every {@code millis} from now on (none when 0). */
    public void heartbeatsFromNow(long millis) {
        heartbeatMillis = millis;
        nextHeartbeat = millis > 0 ? System.currentTimeMillis() + millis : Long.MAX_VALUE;
    }

    /**
     * The stream has nothing to read, the batch is flushed: once per heartbeat interval, confirms
     * the idle WAL ({@link #confirmIdle}) and writes a heartbeat message.
     *
     * @param resumedFrom the stream checkpoint {lsn, index} this run resumed from, or null
     */
    public void idle(WalStream stream, Connection catalog, long[] resumedFrom) {
        long now = System.currentTimeMillis();
        if (now >= nextHeartbeat) {
            nextHeartbeat = now + heartbeatMillis;
            confirmIdle(stream, catalog, resumedFrom);
            heartbeat(catalog);
        }
    }

    /**
     * Between heartbeats, with the batch flushed: when every event emitted is acknowledged (the
     * last committed position is the last emitted one, or nothing was emitted since resuming from
     * the stream checkpoint {@code resumedFrom}), nothing captured lies between the checkpoint and
     * what the server sent since (all of it read), so the slot may move there: noted first
     * ({@link HeartbeatMark}, so that a restart accepts the slot ahead of the checkpoint), then
     * confirmed. Never past an event not yet acknowledged; a transaction still open commits after
     * it and comes again.
     *
     * @param resumedFrom the stream checkpoint {lsn, index} this run resumed from, or null
     */
    private void confirmIdle(WalStream stream, Connection catalog, long[] resumedFrom) {
        long[] checkpoint = acknowledgedCheckpoint(resumedFrom);
        long upTo = stream.received();
        if (checkpoint == null || Long.compareUnsigned(upTo, Math.max(flushedSent, checkpoint[0])) <= 0) {
            return;
        }
        try {
            mark.record(catalog, checkpoint[0], (int) checkpoint[1], upTo);
            stream.acknowledge(upTo);
            flushedSent = upTo;
        } catch (SQLException e) {
            LOG.warn("heartbeat could not move slot {} past the checkpoint (noting it on publication {} failed: "
                    + "is the source its owner?): {}", slot, publication, e.getMessage());
        }
    }

    /** The checkpoint {lsn, index} when it covers every event emitted, else null. */
    private long[] acknowledgedCheckpoint(long[] resumedFrom) {
        if (lastEmittedLsn < 0) {
            return resumedFrom;
        }
        long[] c = committedPosition.get();
        return c != null && c[0] == lastEmittedLsn && c[1] == lastEmittedIndex ? c : null;
    }

    /** Writes a heartbeat message through the WAL. */
    private static void heartbeat(Connection catalog) {
        try (Statement st = catalog.createStatement()) {
            st.execute("SELECT pg_logical_emit_message(true, '" + InternalMessages.HEARTBEAT + "', now()::text)");
        } catch (SQLException e) {
            LOG.warn("heartbeat failed: {}", e.getMessage());
        }
    }
}
