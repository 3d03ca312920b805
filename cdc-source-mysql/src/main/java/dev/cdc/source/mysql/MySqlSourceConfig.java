package dev.cdc.source.mysql;

import dev.cdc.jdbc.snapshot.SnapshotMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/** The validated settings of one source. The password is never part of {@link #toString()}. */
public record MySqlSourceConfig(String host, int port, String user, String password, String database,
                                Pattern tables, long serverId, SnapshotMode snapshotMode, int chunkSize,
                                int snapshotParallelism, boolean useGtid, boolean tinyint1AsBoolean, int maxBatch, Duration connectTimeout,
                                Duration reconnectTimeout, Duration binlogSendTimeout, Optional<Path> stateDirectory) {

    /** The JDBC URL (no password in it). */
    public String jdbcUrl() {
        return "jdbc:mariadb://" + host + ":" + port + "/" + database + "?connectTimeout="
                + connectTimeout.toMillis();
    }

    public boolean captures(String db, String table) {
        return database.equals(db) && tables.matcher(table).matches();
    }

    @Override
    public String toString() {
        return "mysql://" + user + "@" + host + ":" + port + "/" + database + " tables=" + tables + " server-id="
                + serverId;
    }
}
