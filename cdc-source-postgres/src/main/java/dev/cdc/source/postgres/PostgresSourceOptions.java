package dev.cdc.source.postgres;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.jdbc.snapshot.SnapshotMode;
import dev.cdc.jdbc.snapshot.backfill.OnPositionLost;

import java.time.Duration;
import java.util.List;

/** The options of the {@code postgres} source. */
public final class PostgresSourceOptions {

    public static final ConfigOption<String> URL = ConfigOption.key("url").stringType().required()
            .check(u -> u.startsWith("jdbc:postgresql://"), "a URL like jdbc:postgresql://host:5432/database")
            .description("The database to capture, as a pgjdbc URL: jdbc:postgresql://host:5432/database.");

    public static final ConfigOption<String> USER = ConfigOption.key("user").stringType().defaultValue("postgres")
            .description("The role to connect as. It needs the REPLICATION attribute (ALTER ROLE name REPLICATION) "
                    + "and SELECT on the captured tables; creating the publication needs ownership of the tables "
                    + "(or create it beforehand).");

    public static final ConfigOption<String> PASSWORD = ConfigOption.key("password").stringType().defaultValue("")
            .secret().description("The role's password; empty for trust or peer authentication.");

    public static final ConfigOption<List<String>> TABLES = ConfigOption.key("tables").listType()
            .defaultValue(List.of())
            .description("The tables to capture: names or regular expressions matched against schema.table "
                    + "(a name without a schema means public). Empty: every table of the publication, which must "
                    + "then exist (or is created FOR ALL TABLES, which needs a superuser).");

    public static final ConfigOption<String> SLOT = ConfigOption.key("slot").stringType().defaultValue("cdc")
            .check(s -> s.matches("[a-z0-9_]{1,63}"), "lower-case letters, digits and '_' (at most 63)")
            .description("The logical replication slot (plugin pgoutput); created when absent.");

    public static final ConfigOption<String> PUBLICATION = ConfigOption.key("publication").stringType()
            .noDefaultValue()
            .check(s -> s.matches("[a-z0-9_]{1,63}"), "lower-case letters, digits and '_' (at most 63)")
            .description("The publication naming the captured tables; created FOR TABLE the selected tables when "
                    + "absent. Default: the slot's name.");

    public static final ConfigOption<SnapshotMode> SNAPSHOT_MODE = ConfigOption.key("snapshot-mode")
            .enumType(SnapshotMode.class).defaultValue(SnapshotMode.INITIAL)
            .description("initial: on a first start read every table in the new slot's snapshot, then stream; "
                    + "never: only stream; when-needed: snapshot again whenever the slot or the checkpoint is not "
                    + "usable (slot dropped, invalidated or ahead of the checkpoint) instead of failing; "
                    + "initial-only: read every table, then run the queued backfills, then finish.");

    public static final ConfigOption<Integer> SNAPSHOT_CHUNK_SIZE = ConfigOption.key("snapshot-chunk-size").intType()
            .defaultValue(10_000).check(n -> n > 0, "> 0")
            .description("Rows per snapshot query (keyset pagination on the primary key).");

    public static final ConfigOption<Integer> SNAPSHOT_PARALLELISM = ConfigOption.key("snapshot-parallelism")
            .intType().defaultValue(4).check(n -> n > 0 && n <= 64, "1 to 64")
            .description("How many tables the snapshot reads at once, each on its own connection inside the same "
                    + "exported snapshot (at most one per table); their events interleave.");

    public static final ConfigOption<Integer> PROTOCOL_VERSION = ConfigOption.key("protocol-version").intType()
            .defaultValue(1).check(v -> v == 1 || v == 2, "1 or 2")
            .description("The pgoutput protocol version: 1, or 2 (PostgreSQL 14+) for streaming in-progress "
                    + "transactions.");

    public static final ConfigOption<Boolean> STREAMING = ConfigOption.key("streaming").booleanType()
            .defaultValue(false)
            .description("Have the server stream large in-progress transactions (protocol-version 2, PostgreSQL "
                    + "14+) instead of spilling them on its side; the source keeps them in a temporary file until "
                    + "they commit, so memory stays flat either way.");

    public static final ConfigOption<Boolean> MESSAGES = ConfigOption.key("messages").booleanType()
            .defaultValue(true)
            .description("Emit logical decoding messages (pg_logical_emit_message) as CREATE events of the table "
                    + "pg_logical.message with columns prefix, content and transactional. PostgreSQL sends every "
                    + "slot the messages of every session of the database; those with a prefix cdc reserves ('cdc' "
                    + "and 'cdc-...': backfill watermarks, heartbeats of any pipeline) never become events.");

    public static final ConfigOption<List<String>> MESSAGE_PREFIXES = ConfigOption.key("message-prefixes").listType()
            .defaultValue(List.of())
            .description("With messages: true, emit only the messages with one of these prefixes (exact match). "
                    + "Empty: every prefix but cdc's reserved ones.");

    public static final ConfigOption<Duration> HEARTBEAT_INTERVAL = ConfigOption.key("heartbeat-interval")
            .durationType().defaultValue(Duration.ZERO)
            .description("When > 0, emit pg_logical_emit_message(true, 'cdc-heartbeat', now()) this often, so "
                    + "that the slot advances (and WAL is freed) while the captured tables are idle. Heartbeats are "
                    + "no events: when every emitted event is acknowledged, the source confirms the WAL received "
                    + "since, after noting it in the publication's comment (which needs the publication's owner) "
                    + "so that a restart accepts the slot ahead of the checkpoint. 0: off.");

    public static final ConfigOption<Duration> STATUS_INTERVAL = ConfigOption.key("status-interval").durationType()
            .defaultValue(Duration.ofSeconds(1)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("How often the source reports its flushed position to the server.");

    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOption.key("batch-size").intType()
            .defaultValue(1024).check(n -> n > 0, "> 0")
            .description("Most events handed to the pipeline at once.");

    public static final ConfigOption<Duration> RECONNECT_TIMEOUT = ConfigOption.key("reconnect-timeout")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .check(d -> !d.isNegative(), ">= 0")
            .description("How long one outage may last: after the connection is lost the source reconnects with "
                    + "backoff from 0.5 s doubling to 30 s, and fails once it could not reconnect for this long. A "
                    + "successful reconnect resets both the clock and the backoff, so each outage gets the whole "
                    + "time.");

    public static final ConfigOption<Long> SLOT_RETENTION_WARNING = ConfigOption.key("slot-retention-warning")
            .sizeType().defaultValue(1L << 30).check(n -> n >= 0, ">= 0")
            .description("Tell the pipeline that the checkpoint's WAL is at risk when the slot's safe_wal_size "
                    + "(what the server may still write before it drops WAL the slot needs; only when "
                    + "max_slot_wal_keep_size is set) falls below this, or its wal_status becomes unreserved or "
                    + "lost. Read on a connection of its own every slot-check-interval.");

    public static final ConfigOption<Duration> SLOT_CHECK_INTERVAL = ConfigOption.key("slot-check-interval")
            .durationType().defaultValue(Duration.ofSeconds(10)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("How often the source reads its slot's wal_status, safe_wal_size and retained WAL (also "
                    + "while it waits for a slow sink); exported as cdc.source.slot.* gauges.");

    public static final ConfigOption<Integer> BACKFILL_CHUNK_SIZE = ConfigOption.key("backfill-chunk-size").intType()
            .defaultValue(4096).check(n -> n > 0 && n <= 100_000, "1 to 100000")
            .description("Rows per backfill chunk. A chunk is read between a low and a high watermark written "
                    + "with pg_logical_emit_message (PostgreSQL 14+) while the stream goes on; the stream waits for "
                    + "one chunk query at a time, so keep it small enough to read in well under a second.");

    public static final ConfigOption<OnPositionLost> ON_POSITION_LOST = ConfigOption.key("on-position-lost")
            .enumType(OnPositionLost.class).defaultValue(OnPositionLost.FAIL)
            .description("When the checkpoint's slot is gone (dropped, invalidated with wal_status 'lost', or "
                    + "ahead of the checkpoint), at start or while streaming. fail: refuse, saying what happened; "
                    + "heal: create the slot again, stream from its consistent point, and empty (a TRUNCATE event) then "
                    + "backfill every captured table with watermarks while streaming (rows deleted meanwhile leave "
                    + "the targets; no stop, no manual step).");

    public static final ConfigOption<Boolean> FAILOVER_SLOT = ConfigOption.key("failover-slot").booleanType()
            .defaultValue(false)
            .description("Create the slot with the FAILOVER option (PostgreSQL 17+), so that standbys with "
                    + "sync_replication_slots keep a copy of it and a failover to one of them does not lose the "
                    + "position (the standby needs sync_replication_slots, hot_standby_feedback, primary_slot_name; "
                    + "the primary synchronized_standby_slots: see docs/cdc-source-postgres.md). Refused on an older "
                    + "server. A slot that exists without FAILOVER is altered to have it.");

    static final List<ConfigOption<?>> ALL = List.of(URL, USER, PASSWORD, TABLES, SLOT, PUBLICATION, SNAPSHOT_MODE,
            SNAPSHOT_CHUNK_SIZE, SNAPSHOT_PARALLELISM, PROTOCOL_VERSION, STREAMING, MESSAGES, MESSAGE_PREFIXES, HEARTBEAT_INTERVAL, STATUS_INTERVAL,
            BATCH_SIZE, RECONNECT_TIMEOUT, SLOT_RETENTION_WARNING, SLOT_CHECK_INTERVAL, BACKFILL_CHUNK_SIZE, ON_POSITION_LOST,
            FAILOVER_SLOT);

    private PostgresSourceOptions() {
    }
}
