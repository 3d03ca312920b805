package dev.cdc.source.jdbc;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.SnapshotMode;
import dev.cdc.source.jdbc.JdbcSourceOptions.Setup;
import dev.cdc.source.jdbc.dialect.Dialect;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The bound options of one JDBC source; the running source reads only this. The password is
 * never part of {@link #toString()}.
 */
public record JdbcSourceConfig(String url, String user, String password, Dialect dialect, List<String> tables,
                               SnapshotMode snapshotMode, int chunkSize, int parallelism, Duration pollInterval,
                               int batchSize, Setup setup, String changeLog, Duration retention, Duration gapConfirm,
                               Optional<String> timestampColumn, Optional<String> versionColumn,
                               Optional<String> createdColumn, Duration safetyWindow, Optional<String> softDeleteColumn,
                               Duration keyScanInterval, Duration stopWhenIdle, Optional<java.nio.file.Path> stateDirectory,
                               int backfillChunkSize) {

    /** Binds the options of either source type (absent options take their defaults). */
    static JdbcSourceConfig of(Configuration o, boolean query, Optional<java.nio.file.Path> stateDirectory) {
        JdbcSourceConfig c = new JdbcSourceConfig(o.get(JdbcSourceOptions.URL), o.get(JdbcSourceOptions.USER),
                o.get(JdbcSourceOptions.PASSWORD), Dialect.of(o.get(JdbcSourceOptions.DIALECT),
                o.get(JdbcSourceOptions.URL)), o.get(JdbcSourceOptions.TABLES), o.get(JdbcSourceOptions.SNAPSHOT_MODE),
                o.get(JdbcSourceOptions.SNAPSHOT_CHUNK_SIZE), o.get(JdbcSourceOptions.SNAPSHOT_PARALLELISM),
                o.get(JdbcSourceOptions.POLL_INTERVAL), o.get(JdbcSourceOptions.BATCH_SIZE),
                query ? Setup.MANUAL : o.get(JdbcSourceOptions.SETUP),
                query ? "" : o.get(JdbcSourceOptions.CHANGE_LOG), query ? Duration.ZERO : o.get(JdbcSourceOptions.RETENTION),
                query ? Duration.ZERO : o.get(JdbcSourceOptions.GAP_CONFIRM),
                query ? o.getOptional(JdbcSourceOptions.TIMESTAMP_COLUMN) : Optional.empty(),
                query ? o.getOptional(JdbcSourceOptions.VERSION_COLUMN) : Optional.empty(),
                query ? o.getOptional(JdbcSourceOptions.CREATED_COLUMN) : Optional.empty(),
                query ? o.get(JdbcSourceOptions.SAFETY_WINDOW) : Duration.ZERO,
                query ? o.getOptional(JdbcSourceOptions.SOFT_DELETE_COLUMN) : Optional.empty(),
                query ? o.get(JdbcSourceOptions.KEY_SCAN_INTERVAL) : Duration.ZERO,
                o.get(JdbcSourceOptions.STOP_WHEN_IDLE), stateDirectory, o.get(JdbcSourceOptions.BACKFILL_CHUNK_SIZE));
        if (query && c.timestampColumn.isPresent() == c.versionColumn.isPresent()) {
            throw new ConfigurationException("jdbc-query needs exactly one of timestamp-column (e.g. updated_at) and"
                    + " version-column; " + (c.timestampColumn.isPresent() ? "both are" : "neither is") + " set");
        }
        if (query && c.createdColumn.isPresent() && c.versionColumn.isPresent()) {
            throw new ConfigurationException("created-column works with timestamp-column only; remove it or use"
                    + " timestamp-column");
        }
        if (!query && c.dialect.changeLog().isEmpty()) {
            throw new ConfigurationException("jdbc-trigger needs a dialect that can create row triggers (postgresql,"
                    + " mariadb, h2); the " + c.dialect.name() + " dialect of " + c.url + " cannot: use jdbc-query, or"
                    + " set dialect if the URL hides a supported database");
        }
        return c;
    }

    /** Whether a source idle since {@code idleSinceNanos} (System.nanoTime) should finish now. */
    public boolean idleLongEnough(long idleSinceNanos) {
        return !stopWhenIdle.isZero() && System.nanoTime() - idleSinceNanos >= stopWhenIdle.toNanos();
    }

    /** The change log's table: qualified as configured, else in the namespace of the first captured table. */
    public TableId changeLogTable(TableId firstCaptured) {
        int dot = changeLog.indexOf('.');
        return dot < 0 ? TableId.of(firstCaptured.namespace(), changeLog)
                : TableId.of(changeLog.substring(0, dot), changeLog.substring(dot + 1));
    }

    /** A new connection; a missing driver or a refused login is a clear, permanent error. */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        if (!user.isEmpty()) {
            p.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            p.setProperty("password", password);
        }
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLTransientConnectionException e) {
            throw new RetriableException("could not connect to " + this + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            if ("08001".equals(e.getSQLState()) && String.valueOf(e.getMessage()).startsWith("No suitable driver")) {
                throw new CdcException("no JDBC driver on the class path accepts " + url + ": put the database's driver"
                        + " jar beside cdc.jar (java -cp cdc.jar:driver.jar dev.cdc.launcher.Cdc ...), see"
                        + " docs/cdc-source-jdbc.md", e);
            }
            if ("28000".equals(e.getSQLState()) || "28P01".equals(e.getSQLState()) || e.getErrorCode() == 1045) {
                throw new CdcException("the database refused user '" + user + "' (" + e.getMessage() + "): check the"
                        + " user and password options", e);
            }
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw new RetriableException("could not connect to " + this + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return url + " as '" + user + "' (" + dialect.name() + ")";
    }
}
