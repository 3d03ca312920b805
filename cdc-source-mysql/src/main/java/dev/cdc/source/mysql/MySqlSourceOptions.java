package dev.cdc.source.mysql;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.jdbc.snapshot.SnapshotMode;
import dev.cdc.jdbc.snapshot.backfill.OnPositionLost;

import java.time.Duration;
import java.util.List;

/** The options of the {@code mysql} source, printed by {@code cdc plugins} and generated into the README. */
public final class MySqlSourceOptions {

    public static final ConfigOption<String> HOST = ConfigOption.key("host").stringType().defaultValue("127.0.0.1")
            .description("Host name or address of the MySQL or MariaDB server.");

    public static final ConfigOption<Integer> PORT = ConfigOption.key("port").intType().defaultValue(3306)
            .check(p -> p > 0 && p < 65536, "a port between 1 and 65535")
            .description("TCP port of the server.");

    public static final ConfigOption<String> USER = ConfigOption.key("user").stringType().required()
            .description("User to connect as. It needs SELECT on the captured tables, REPLICATION SLAVE, and"
                    + " REPLICATION CLIENT (MySQL) or BINLOG MONITOR (MariaDB); RELOAD only for the global-lock"
                    + " snapshot on MySQL.");

    public static final ConfigOption<String> PASSWORD = ConfigOption.key("password").stringType().defaultValue("")
            .secret().description("The user's password (use ${env:...} or ${file:...} to keep it out of the file).");

    public static final ConfigOption<String> DATABASE = ConfigOption.key("database").stringType().required()
            .check(s -> !s.isBlank(), "a database name")
            .description("The database (schema) whose tables are captured; it is the namespace of every table.");

    public static final ConfigOption<String> TABLES = ConfigOption.key("tables").stringType().defaultValue(".*")
            .check(MySqlSourceOptions::isRegex, "a valid Java regular expression")
            .description("Regular expression over table names (without the database) that selects the captured"
                    + " tables; it must match the whole name. Default: every table of the database.");

    public static final ConfigOption<Long> SERVER_ID = ConfigOption.key("server-id").longType().defaultValue(5400L)
            .check(id -> id > 0 && id < 4294967296L, "between 1 and 4294967295")
            .description("The replica server id this source uses when it reads the binlog. It must differ from the"
                    + " server's own server_id and from every other replica and CDC client of the same server;"
                    + " a clash stops the source with an error naming it.");

    public static final ConfigOption<SnapshotMode> SNAPSHOT_MODE = ConfigOption.key("snapshot-mode")
            .enumType(SnapshotMode.class).defaultValue(SnapshotMode.INITIAL)
            .description("initial: on a first start, read every captured table in a consistent snapshot, then"
                    + " stream from the binlog position of that snapshot; never: stream only, from the current"
                    + " binlog end on a first start; when-needed: as initial, and also snapshot again when the"
                    + " checkpointed binlog file was purged; initial-only: the snapshot, then the queued backfills (read"
                    + " without the binlog), then finish.");

    public static final ConfigOption<Integer> SNAPSHOT_CHUNK_SIZE = ConfigOption.key("snapshot-chunk-size").intType()
            .defaultValue(10_000).check(n -> n > 0, "> 0")
            .description("Rows per primary-key chunk of the snapshot (keyset pagination, never OFFSET).");

    public static final ConfigOption<Integer> SNAPSHOT_PARALLELISM = ConfigOption.key("snapshot-parallelism")
            .intType().defaultValue(4).check(n -> n > 0 && n <= 64, "1 to 64")
            .description("How many tables the snapshot reads at once, each on its own connection in a consistent-"
                    + "snapshot transaction at the same binlog position (at most one per table); their events"
                    + " interleave.");

    public static final ConfigOption<Boolean> USE_GTID = ConfigOption.key("use-gtid").booleanType().defaultValue(true)
            .description("Resume by GTID where the server has them (MariaDB): each position carries the server's GTID"
                    + " position before its transaction (gtid_set) and the source reconnects with it, so the server"
                    + " locates the transaction itself; false, or a MySQL server: by binlog file and offset.");

    public static final ConfigOption<Boolean> TINYINT1_AS_BOOLEAN = ConfigOption.key("tinyint1-as-boolean")
            .booleanType().defaultValue(false)
            .description("Map tinyint(1) columns to boolean (0 false, anything else true). Off by default: a"
                    + " tinyint(1) holds -128..127 and MySQL does not stop a 7 in it, so only true keeps that lossy"
                    + " reading; false (the default) keeps them int16, as Debezium does.");

    public static final ConfigOption<Integer> MAX_BATCH = ConfigOption.key("max-batch").intType().defaultValue(2048)
            .check(n -> n > 0, "> 0")
            .description("Most events handed to the pipeline at once; a transaction larger than this is handed"
                    + " over in several batches.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT = ConfigOption.key("connect-timeout").durationType()
            .defaultValue(Duration.ofSeconds(10)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("How long to wait for a connection to the server.");

    public static final ConfigOption<Duration> RECONNECT_TIMEOUT = ConfigOption.key("reconnect-timeout").durationType()
            .defaultValue(Duration.ofMinutes(5)).check(d -> !d.isNegative(), ">= 0")
            .description("How long one outage may last: after the binlog connection was lost (the server"
                    + " restarted, the network failed) the source reconnects with backoff from 0.5 s doubling to 30 s,"
                    + " and fails with a retriable error once it could not reconnect for this long. A successful"
                    + " reconnect resets both the clock and the backoff. It resumes from the last emitted event,"
                    + " skipping nothing and repeating nothing.");

    public static final ConfigOption<Duration> BINLOG_SEND_TIMEOUT = ConfigOption.key("binlog-send-timeout")
            .durationType().defaultValue(Duration.ofHours(1))
            .check(d -> d.toSeconds() >= 1 && d.toSeconds() <= 31_536_000, "1s to 365d")
            .description("The server's net_write_timeout on the binlog connection: how long the server waits to send"
                    + " while the source does not read because the pipeline is full (a slow sink) before it drops the"
                    + " connection (the server's default, 60 s, would drop it behind a sink slower than that; the"
                    + " source then reconnects and reads again from the first unfinished transaction).");

    public static final ConfigOption<Integer> BACKFILL_CHUNK_SIZE = ConfigOption.key("backfill-chunk-size").intType()
            .defaultValue(4096).check(n -> n > 0 && n <= 100_000, "1 to 100000")
            .description("Rows per backfill chunk. A chunk is read between a low and a high watermark (rows written"
                    + " to the watermark table) while the stream goes on; the stream waits for one chunk query at a"
                    + " time, so keep it small enough to read in well under a second.");

    public static final ConfigOption<OnPositionLost> ON_POSITION_LOST = ConfigOption.key("on-position-lost")
            .enumType(OnPositionLost.class).defaultValue(OnPositionLost.FAIL)
            .description("When the checkpoint's binlog position is gone (its file was purged, or no binlog of the"
                    + " server holds its GTID position), at start or on a reconnect. fail: refuse, naming what was"
                    + " lost; heal: stream from the binlog's current end, and empty (a TRUNCATE event) then backfill"
                    + " every captured table with watermarks while streaming (rows deleted meanwhile leave the"
                    + " targets; no stop, no manual step). Takes precedence over snapshot-mode: when-needed.");

    public static final ConfigOption<String> WATERMARK_TABLE = ConfigOption.key("watermark-table").stringType()
            .defaultValue("cdc_watermark").check(s -> s.matches("([A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]{0,63}"),
                    "a table name, optionally database.name, of letters, digits, '_' and '$'")
            .description("The table whose row writes mark the low and high watermarks of backfill chunks in the"
                    + " binlog (one row per source, keyed by server-id); in the captured database unless qualified"
                    + " as database.name; never captured itself. Created by `cdc setup` or by setup: auto; the user"
                    + " needs INSERT and UPDATE on it.");

    public static final ConfigOption<WatermarkSetup> SETUP = ConfigOption.key("setup").enumType(WatermarkSetup.class)
            .defaultValue(WatermarkSetup.AUTO)
            .description("auto: create the watermark table at start when it is missing (a user without CREATE only"
                    + " gets a warning naming the statement, and backfills fail until a DBA ran it); manual: a DBA"
                    + " creates it from `cdc setup pipeline.yaml --print`.");

    public static final List<ConfigOption<?>> ALL = List.of(HOST, PORT, USER, PASSWORD, DATABASE, TABLES, SERVER_ID,
            SNAPSHOT_MODE, SNAPSHOT_CHUNK_SIZE, SNAPSHOT_PARALLELISM, USE_GTID, TINYINT1_AS_BOOLEAN, MAX_BATCH, CONNECT_TIMEOUT, RECONNECT_TIMEOUT,
            BINLOG_SEND_TIMEOUT, BACKFILL_CHUNK_SIZE, ON_POSITION_LOST, WATERMARK_TABLE, SETUP);

    private MySqlSourceOptions() {
    }

    private static boolean isRegex(String s) {
        try {
            java.util.regex.Pattern.compile(s);
            return true;
        } catch (java.util.regex.PatternSyntaxException e) {
            return false;
        }
    }
}
