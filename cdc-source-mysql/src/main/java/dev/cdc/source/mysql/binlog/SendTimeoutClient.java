package dev.cdc.source.mysql.binlog;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.protocol.command.QueryCommand;

import java.io.IOException;

/**
 * The library's client with the session's {@code net_write_timeout} set before the binlog is
 * requested. The MySQL replication protocol has no message from the replica while it streams: a
 * source waiting for a full pipeline simply stops reading, and the server, once its socket
 * buffers are full, waits {@code net_write_timeout} (60 s by default) and then drops the
 * connection. The binlog dump thread uses its session's value, so this sets how long a pipeline
 * may stay full without losing the connection.
 */
final class SendTimeoutClient extends BinaryLogClient {

    private final long sendTimeoutSeconds;

    SendTimeoutClient(String host, int port, String user, String password, long sendTimeoutSeconds) {
        super(host, port, user, password);
        this.sendTimeoutSeconds = sendTimeoutSeconds;
    }

    @Override
    protected void setupConnection() throws IOException {
        super.setupConnection();
        channel.write(new QueryCommand("SET SESSION net_write_timeout = " + sendTimeoutSeconds));
        checkError(channel.read());
    }
}
