package dev.cdc.sink.redis;

import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * A Jedis connection whose buffered output can be pushed to the socket without waiting for
 * replies ({@code Connection.flush()} is protected), so a pipelined chunk reaches Redis while the
 * next one is encoded.
 */
final class FlushingConnection extends Connection {

    FlushingConnection(HostAndPort address, JedisClientConfig config) {
        super(address, config);
    }

    /** Writes out what the pipeline buffered. */
    void push() {
        flush();
    }
}
