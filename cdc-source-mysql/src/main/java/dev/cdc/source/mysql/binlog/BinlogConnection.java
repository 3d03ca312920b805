package dev.cdc.source.mysql.binlog;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.source.mysql.MySqlSourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One replication connection: the library's client reads on its own thread and hands events
 * through a bounded queue (so a full pipeline stops the reading: back-pressure) to the source
 * thread, which takes them with {@link #poll}. A failure of the connection comes out of
 * {@code poll} as an exception: {@link BinlogGoneException} or a plain {@link CdcException} for what
 * reconnecting cannot fix, a {@link RetriableException} for the rest.
 */
public final class BinlogConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BinlogConnection.class);
    private static final Object DISCONNECTED = new Object();

    private final BinaryLogClient client;
    /**
     * Small on purpose: each entry is a whole rows event (often hundreds of decoded rows), and a long
     * queue only lets the reading thread run far ahead, keeping the rows alive through young
     * collections (the catch-up benchmark spent more time copying them in the GC than decoding).
     */
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(256);
    private final BinlogPosition start;
    private volatile boolean closing;

    private BinlogConnection(BinaryLogClient client, BinlogPosition start) {
        this.client = client;
        this.start = start;
    }

    /** Connects and starts reading at {@code start} (a transaction's first event). */
    public static BinlogConnection open(MySqlSourceConfig config, BinlogPosition start) {
        BinaryLogClient client = new SendTimeoutClient(config.host(), config.port(), config.user(), config.password(),
                config.binlogSendTimeout().toSeconds());
        client.setServerId(config.serverId());
        client.setBinlogFilename(start.file());
        client.setBinlogPosition(Math.max(4, start.offset()));
        // with a GTID position the server finds the transaction after it itself (file and offset unused)
        start.gtidSet().ifPresent(client::setGtidSet);
        client.setKeepAlive(false);
        client.setHeartbeatInterval(10_000);
        client.setConnectTimeout(config.connectTimeout().toMillis());
        client.setEventDeserializer(RawRowDeserializers.eventDeserializer());
        client.setThreadFactory(r -> {
            Thread t = new Thread(r, "cdc-mysql-binlog-" + config.serverId());
            t.setDaemon(true);
            return t;
        });
        BinlogConnection c = new BinlogConnection(client, start);
        client.registerEventListener(c::onEvent);
        client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onCommunicationFailure(BinaryLogClient cl, Exception ex) {
                c.offer(c.translate(ex));
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient cl, Exception ex) {
                c.offer(new CdcException("could not decode a binlog event after " + start + ": " + ex, ex));
            }

            @Override
            public void onDisconnect(BinaryLogClient cl) {
                c.offer(DISCONNECTED);
            }
        });
        try {
            client.connect(config.connectTimeout().toMillis());
        } catch (IOException | TimeoutException e) {
            RuntimeException failure = c.translate(e);
            c.close();
            throw failure;
        }
        // a failure reported while connecting (e.g. a purged file) arrives through the listener
        Object first = c.queue.peek();
        if (first instanceof RuntimeException failure && !(failure instanceof RetriableException)) {
            c.close();
            throw failure;
        }
        LOG.info("reading the binlog of {}:{} from {} as replica server-id {}", config.host(), config.port(), start,
                config.serverId());
        return c;
    }

    /**
     * Waits while the queue is full, but never past {@link #close}: the library's {@code disconnect}
     * waits for this thread to let go of its connection lock, and a thread blocked on a full queue
     * nobody takes from any more would never let go (close hung, found by the catch-up benchmark).
     * Events arriving while closing are dropped: nobody reads them.
     */
    private void onEvent(Event event) {
        try {
            while (!closing) {
                if (queue.offer(event, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void offer(Object o) {
        if (!closing) {
            queue.offer(o);
        }
    }

    /**
     * The next event, or null when none came within the timeout.
     *
     * @throws RetriableException when the connection was lost
     * @throws CdcException when the server refused what reconnecting cannot fix
     */
    public Event poll(long millis) throws InterruptedException {
        Object o = queue.poll(millis, TimeUnit.MILLISECONDS);
        if (o == null || o instanceof Event) {
            return (Event) o;
        }
        if (o == DISCONNECTED) {
            // a failure reported just before the disconnect wins
            Object next = queue.poll(200, TimeUnit.MILLISECONDS);
            if (next instanceof RuntimeException e) {
                throw e;
            }
            throw new RetriableException("the binlog connection to " + client.getBinlogFilename() + " closed");
        }
        throw (RuntimeException) o;
    }

    private RuntimeException translate(Exception ex) {
        if (ex instanceof ServerException se) {
            String msg = se.getMessage() == null ? "" : se.getMessage();
            String lower = msg.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("same server_uuid/server_id") || lower.contains("same server_id")
                    || lower.contains("same server-id")) {
                return new CdcException("another replica or CDC client connected to the server with server-id "
                        + client.getServerId() + ", so the server dropped this one (" + msg + "). Give each reader of"
                        + " this server its own server-id option (and none equal to the server's server_id); not"
                        + " reconnecting, since that would only drop the other one in turn", ex);
            }
            if (se.getErrorCode() == 1236 && (lower.contains("could not find first log file")
                    || lower.contains("purged") || lower.contains("could not find") || lower.contains("binlog truncated"))) {
                return new BinlogGoneException("the binlog position " + start + " is no longer on the server (" + msg
                        + "): its file was purged. Set on-position-lost: heal to stream from the binlog's current end and"
                        + " backfill every captured table, or snapshot-mode: when-needed to take a new snapshot and"
                        + " stream from there, or remove the checkpoint to start over", ex);
            }
            if (se.getErrorCode() == 1236) {
                return new CdcException("the server refused to send the binlog from " + start + ": " + msg, ex);
            }
            if (se.getErrorCode() == 1045 || se.getErrorCode() == 1227 || se.getErrorCode() == 1044) {
                return new CdcException("the server refused the replication connection: " + msg
                        + ". The user needs REPLICATION SLAVE: GRANT REPLICATION SLAVE ON *.* TO '" + "<user>'", ex);
            }
        }
        return new RetriableException("the binlog connection failed at " + start + ": " + ex, ex);
    }

    @Override
    public void close() {
        closing = true;
        queue.clear();
        try {
            client.disconnect();
        } catch (IOException e) {
            LOG.debug("closing the binlog connection failed", e);
        }
        queue.clear();
    }
}
