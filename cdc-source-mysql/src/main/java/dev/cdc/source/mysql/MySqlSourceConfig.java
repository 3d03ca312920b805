package dev.cdc.source.mysql;

import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.SnapshotMode;
import dev.cdc.jdbc.snapshot.backfill.OnPositionLost;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/** The validated settings of one source. The password is never part of {@link #toString()}. */
public record MySqlSourceConfig(String host, int port, String user, String password, String database,
                                Pattern tables, long serverId, SnapshotMode snapshotMode, int chunkSize,
                                int snapshotParallelism, boolean useGtid, boolean tinyint1AsBoolean, int maxBatch, Duration connectTimeout,
                                Duration reconnectTimeout, Duration binlogSendTimeout, Optional<Path> stateDirectory,
                                int backfillChunkSize, OnPositionLost onPositionLost, TableId watermarkTable,
                                WatermarkSetup setup) {

    /** The JDBC URL (no password in it). */
    public String jdbcUrl() {
        return "jdbc:mariadb://" + host + ":" + port + "/" + database + "?connectTimeout="
                + connectTimeout.toMillis();
    }

    /** Whether a table is captured: in the database, matching {@code tables}, and not the watermark table. */
    public boolean captures(String db, String table) {
        return database.equals(db) && tables.matcher(table).matches()
                && !(watermarkTable.namespace().equals(db) && watermarkTable.name().equals(table));
    }

    /** {@code watermark-table} as written: in the captured database unless qualified. */
    public static TableId watermarkTable(String option, String database) {
        int dot = option.indexOf('.');
        return dot < 0 ? TableId.of(database, option) : TableId.of(option.substring(0, dot), option.substring(dot + 1));
    }

    @Override
    public String toString() {
        return "mysql://" + user + "@" + host + ":" + port + "/" + database + " tables=" + tables + " server-id="
                + serverId;
    }
}
