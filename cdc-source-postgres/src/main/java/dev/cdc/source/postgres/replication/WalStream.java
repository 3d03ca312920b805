package dev.cdc.source.postgres.replication;

import dev.cdc.source.postgres.position.PgPosition;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyDual;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A logical replication stream on a walsender connection, speaking the streaming replication
 * protocol itself (CopyBoth via pgjdbc's {@code CopyManager}) so that the source alone decides
 * what each standby status update reports.
 *
 * <p>pgjdbc's own {@code PGReplicationStream} (42.7.x) moves the reported flush position to a
 * keepalive's WAL end by itself when it believes everything received was flushed (always so
 * before the first data message of a stream). That breaks both rules this source needs:
 * <ul>
 *   <li>the slot's {@code confirmed_flush_lsn} must never pass the engine's checkpoint, and</li>
 *   <li>a walsender asked to shut down (a fast shutdown) exits only when the client's flush
 *       position, or its write position when the flush position is invalid, reaches what it sent
 *       ({@code WalSndDone}); a stale valid flush position holds the whole server shutdown until
 *       the client disconnects.</li>
 * </ul>
 * So every status update reports as written the highest WAL position received (data or
 * keepalive), and as flushed an invalid position, except the one update that acknowledges a
 * checkpoint. Keepalives that request a reply are answered at once, from {@link #readPending}.
 *
 * <p>Not thread-safe: the source thread only.
 */
public final class WalStream implements AutoCloseable {

    /** Where the pgoutput message starts in the byte array {@link #readPending} returns. */
    public static final int PAYLOAD_OFFSET = 25;

    private static final long INVALID = 0;
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private final CopyDual copy;
    private final long statusIntervalNanos;
    private final byte[] status = new byte[34];
    private long received;
    private long lastStatus;
    private boolean closed;

    private WalStream(CopyDual copy, long startLsn, long statusIntervalNanos) {
        this.copy = copy;
        this.received = startLsn;
        this.statusIntervalNanos = statusIntervalNanos;
        this.lastStatus = System.nanoTime();
    }

    /** pgoutput's options: protocol, publication, and {@code messages} / {@code streaming} when wanted. */
    public static Map<String, String> pgoutputOptions(int protocol, String publication, boolean messages,
                                                      boolean streaming) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("proto_version", Integer.toString(protocol));
        o.put("publication_names", publication);
        if (messages) {
            o.put("messages", "true");
        }
        if (streaming) {
            o.put("streaming", "true");
        }
        return o;
    }

    /**
     * Sends {@code START_REPLICATION SLOT slot LOGICAL startLsn (options)} on a replication
     * connection and returns the stream.
     */
    public static WalStream start(Connection replicationConnection, String slot, long startLsn,
                                  Map<String, String> pluginOptions, long statusIntervalMillis) throws SQLException {
        StringBuilder sql = new StringBuilder("START_REPLICATION SLOT \"").append(slot.replace("\"", "\"\""))
                .append("\" LOGICAL ").append(PgPosition.formatLsn(startLsn));
        if (!pluginOptions.isEmpty()) {
            sql.append(" (");
            boolean first = true;
            for (Map.Entry<String, String> o : pluginOptions.entrySet()) {
                if (!first) {
                    sql.append(", ");
                }
                first = false;
                sql.append('"').append(o.getKey()).append("\" '").append(o.getValue().replace("'", "''")).append('\'');
            }
            sql.append(')');
        }
        CopyDual copy = replicationConnection.unwrap(PGConnection.class).getCopyAPI().copyDual(sql.toString());
        return new WalStream(copy, startLsn, statusIntervalMillis * 1_000_000L);
    }

    /**
     * The next XLogData message (its pgoutput payload from {@link #PAYLOAD_OFFSET} to the array's
     * end), or null when none is waiting. Keepalives are consumed here and answered when the
     * server asks; a periodic status update goes out every status interval.
     */
    public byte[] readPending() throws SQLException, IOException {
        while (true) {
            byte[] m = copy.readFromCopy(false);
            if (m == null) {
                if (!copy.isActive()) {
                    throw new IOException("the server ended the replication stream");
                }
                if (System.nanoTime() - lastStatus >= statusIntervalNanos) {
                    sendStatus(INVALID, false);
                }
                return null;
            }
            switch (m[0]) {
                case 'w' -> {
                    long dataStart = int64(m, 1);
                    if (Long.compareUnsigned(dataStart, received) > 0) {
                        received = dataStart;
                    }
                    return m;
                }
                case 'k' -> {
                    long walEnd = int64(m, 1);
                    if (Long.compareUnsigned(walEnd, received) > 0) {
                        received = walEnd;
                    }
                    if (m[17] != 0) {
                        sendStatus(INVALID, false);
                    }
                }
                default -> throw new IOException("unexpected replication message '" + (char) m[0] + "'");
            }
        }
    }

    /** The WAL position an XLogData message of {@link #readPending} starts at: its change's LSN. */
    public static long dataStart(byte[] message) {
        return int64(message, 1);
    }

    /** Reports {@code lsn} as flushed (the slot's confirmed_flush_lsn moves there); later updates report none. */
    public void acknowledge(long lsn) throws SQLException {
        sendStatus(lsn, false);
    }

    /**
     * Sends a status update now (flushed position invalid, as every update but an acknowledgement):
     * the walsender counts any reply as a sign of life, so this keeps {@code wal_sender_timeout}
     * from dropping a connection whose reader is blocked (the source waiting for a slow sink).
     */
    public void keepAlive() throws SQLException {
        sendStatus(INVALID, false);
    }

    /** The highest WAL position received so far (data or keepalive). */
    public long received() {
        return received;
    }

    private void sendStatus(long flush, boolean replyRequested) throws SQLException {
        byte[] b = status;
        b[0] = 'r';
        putInt64(b, 1, received);
        putInt64(b, 9, flush);
        putInt64(b, 17, flush);
        long nowMicros = System.currentTimeMillis() * 1000L - PG_EPOCH_MICROS;
        putInt64(b, 25, nowMicros);
        b[33] = (byte) (replyRequested ? 1 : 0);
        copy.writeToCopy(b, 0, b.length);
        copy.flushCopy();
        lastStatus = System.nanoTime();
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (copy.isActive()) {
            copy.endCopy();
        }
    }

    static long int64(byte[] b, int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[p + i] & 0xffL);
        }
        return v;
    }

    private static void putInt64(byte[] b, int p, long v) {
        for (int i = 7; i >= 0; i--) {
            b[p + i] = (byte) v;
            v >>>= 8;
        }
    }
}
