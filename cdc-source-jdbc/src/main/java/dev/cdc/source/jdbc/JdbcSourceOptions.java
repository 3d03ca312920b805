package dev.cdc.source.jdbc;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.jdbc.snapshot.SnapshotMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The options of the {@code jdbc-trigger} and {@code jdbc-query} sources. */
public final class JdbcSourceOptions {

    /** Which SQL the source speaks. */
    public enum DialectName { AUTO, POSTGRESQL, MARIADB, H2, GENERIC }

    /** Whether {@code jdbc-trigger} creates its change log and triggers itself. */
    public enum Setup { AUTO, MANUAL }

    public static final ConfigOption<String> URL = ConfigOption.key("url").stringType().required()
            .check(u -> u.startsWith("jdbc:"), "a JDBC URL such as jdbc:postgresql://host/db, jdbc:mariadb://host/db"
                    + " or jdbc:h2:./data/shop")
            .description("The database, as a JDBC URL. The driver must be on the class path (the launcher bundles"
                    + " H2's; put others beside it, see docs/cdc-source-jdbc.md).");

    public static final ConfigOption<String> USER = ConfigOption.key("user").stringType().defaultValue("")
            .description("User to connect as. jdbc-trigger needs SELECT on the captured tables and, with setup: auto,"
                    + " the right to create a table and triggers (PostgreSQL: the tables' owner or TRIGGER, and CREATE"
                    + " on the schema; MariaDB: TRIGGER and CREATE); jdbc-query needs SELECT only.");

    public static final ConfigOption<String> PASSWORD = ConfigOption.key("password").stringType().defaultValue("")
            .secret().description("The user's password (use ${env:...} or ${file:...} to keep it out of the file).");

    public static final ConfigOption<DialectName> DIALECT = ConfigOption.key("dialect").enumType(DialectName.class)
            .defaultValue(DialectName.AUTO)
            .description("auto: from the URL (jdbc:postgresql, jdbc:mariadb or jdbc:mysql, jdbc:h2, else generic);"
                    + " generic speaks standard SQL (FETCH FIRST, expanded key comparisons) and supports jdbc-query"
                    + " only.");

    public static final ConfigOption<List<String>> TABLES = ConfigOption.key("tables").listType().required()
            .check(JdbcSourceOptions::areRegexes, "a non-empty list of valid regular expressions")
            .description("The captured tables: regular expressions matched (case-insensitively) against the whole"
                    + " namespace.table, where the namespace is the schema (PostgreSQL, H2: public) or the database"
                    + " (MariaDB), e.g. public.orders or shop\\.order_.*. Each table needs a primary key.");

    public static final ConfigOption<SnapshotMode> SNAPSHOT_MODE = ConfigOption.key("snapshot-mode")
            .enumType(SnapshotMode.class).defaultValue(SnapshotMode.INITIAL)
            .description("initial (and when-needed): on a first start read every table in primary-key chunks, then"
                    + " capture from where the snapshot began; never: capture changes only; initial-only: the"
                    + " snapshot, then finish.");

    public static final ConfigOption<Integer> SNAPSHOT_CHUNK_SIZE = ConfigOption.key("snapshot-chunk-size").intType()
            .defaultValue(10_000).check(n -> n > 0, "> 0")
            .description("Rows per primary-key chunk of the snapshot (keyset pagination, never OFFSET).");

    public static final ConfigOption<Integer> SNAPSHOT_PARALLELISM = ConfigOption.key("snapshot-parallelism")
            .intType().defaultValue(4).check(n -> n > 0 && n <= 64, "1 to 64")
            .description("How many tables the snapshot reads at once, each on its own connection (at most one per"
                    + " table); their events interleave.");

    public static final ConfigOption<Duration> POLL_INTERVAL = ConfigOption.key("poll-interval").durationType()
            .defaultValue(Duration.ofMillis(200)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("How long the source waits before reading again when it found nothing new.");

    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOption.key("batch-size").intType()
            .defaultValue(2048).check(n -> n > 0 && n <= 100_000, "1 to 100000")
            .description("Rows per read (a keyset page) and most events handed to the pipeline at once.");

    public static final ConfigOption<Duration> STOP_WHEN_IDLE = ConfigOption.key("stop-when-idle").durationType()
            .defaultValue(Duration.ZERO).check(d -> !d.isNegative(), ">= 0")
            .description("Finish (the pipeline drains and completes) once a read has found nothing new for this"
                    + " long, after the snapshot: a catch-up run, as a batch job; 0: never, capture until stopped.");

    public static final ConfigOption<Integer> BACKFILL_CHUNK_SIZE = ConfigOption.key("backfill-chunk-size").intType()
            .defaultValue(4096).check(n -> n > 0 && n <= 100_000, "1 to 100000")
            .description("Rows per backfill chunk (`cdc backfill`, `cdc verify --repair`). jdbc-trigger reads a chunk"
                    + " between a low and a high watermark row written into its change log while the stream goes on;"
                    + " jdbc-query reads and emits it at once. The stream waits for one chunk query at a time, so keep"
                    + " it small enough to read in well under a second. See docs/cdc-backfill.md.");

    // ---------------------------------------------------------------- jdbc-trigger

    public static final ConfigOption<Setup> SETUP = ConfigOption.key("setup").enumType(Setup.class)
            .defaultValue(Setup.AUTO)
            .description("auto: create the change-log table and the triggers when missing (and replace a trigger"
                    + " when its table gained a column); manual: a DBA creates them from `cdc setup pipeline.yaml"
                    + " --print`, and the source only checks they are there.");

    public static final ConfigOption<String> CHANGE_LOG = ConfigOption.key("change-log").stringType()
            .defaultValue("cdc_change_log").check(s -> s.matches("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]{0,40}")
                    && !s.contains("__"), "a table name, optionally namespace.name, of letters, digits and single '_'"
                    + " (name at most 41)")
            .description("The change-log table the triggers append to, one per pipeline; in the namespace of the"
                    + " first captured table unless qualified. Its name prefixes the triggers' names.");

    public static final ConfigOption<Duration> RETENTION = ConfigOption.key("retention").durationType()
            .defaultValue(Duration.ZERO).check(d -> !d.isNegative(), ">= 0")
            .description("How long change-log rows are kept after the checkpoint covers them (0: removed at the next"
                    + " checkpoint). Rows the checkpoint does not cover are never removed.");

    public static final ConfigOption<Duration> GAP_CONFIRM = ConfigOption.key("gap-confirm").durationType()
            .defaultValue(Duration.ofSeconds(1)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("MariaDB, H2: a change-log id that is missing while later ids are there belongs to a"
                    + " transaction still running (then the source waits for it, however long), or was rolled back;"
                    + " an id no transaction holds is skipped after it was found free twice this far apart. See"
                    + " docs/cdc-source-jdbc.md.");

    // ---------------------------------------------------------------- jdbc-query

    public static final ConfigOption<String> TIMESTAMP_COLUMN = ConfigOption.key("timestamp-column").stringType()
            .noDefaultValue()
            .description("The column every captured table sets to the current time on each insert and update (e.g."
                    + " updated_at); polls read WHERE (column, key) > (last) in keyset pages. One of timestamp-column"
                    + " and version-column is required.");

    public static final ConfigOption<String> VERSION_COLUMN = ConfigOption.key("version-column").stringType()
            .noDefaultValue()
            .description("Instead of timestamp-column: an integer column set from one increasing sequence on each"
                    + " insert and update (not a per-row counter).");

    public static final ConfigOption<String> CREATED_COLUMN = ConfigOption.key("created-column").stringType()
            .noDefaultValue()
            .description("Optional, with timestamp-column: the column set once at insert (e.g. created_at). A row"
                    + " whose created and updated times are equal is reported as an insert, others as updates;"
                    + " without it every polled row is an update (an upsert by key).");

    public static final ConfigOption<Duration> SAFETY_WINDOW = ConfigOption.key("safety-window").durationType()
            .defaultValue(Duration.ofSeconds(5)).check(d -> !d.isNegative(), ">= 0")
            .description("Rows are read only once their timestamp (or version) is this old, so a transaction that"
                    + " commits up to this long after it wrote its timestamp is not skipped. Longer: safer, more"
                    + " latency; a transaction committing later than this is missed. See docs/cdc-source-jdbc.md.");

    public static final ConfigOption<String> SOFT_DELETE_COLUMN = ConfigOption.key("soft-delete-column").stringType()
            .noDefaultValue()
            .description("Optional: a boolean column (or 0/1) that marks a row deleted; such a row is reported as a"
                    + " DELETE.");

    public static final ConfigOption<Duration> KEY_SCAN_INTERVAL = ConfigOption.key("key-scan-interval").durationType()
            .defaultValue(Duration.ZERO).check(d -> !d.isNegative(), ">= 0")
            .description("How often to read every key of every captured table and report a DELETE for each key that"
                    + " vanished since the last scan (hard deletes); 0: never. Memory: the keys of every table.");

    private static final List<ConfigOption<?>> COMMON = List.of(URL, USER, PASSWORD, DIALECT, TABLES, SNAPSHOT_MODE,
            SNAPSHOT_CHUNK_SIZE, SNAPSHOT_PARALLELISM, POLL_INTERVAL, BATCH_SIZE, STOP_WHEN_IDLE, BACKFILL_CHUNK_SIZE);

    /** The options of {@code jdbc-trigger}. */
    public static final List<ConfigOption<?>> TRIGGER = plus(COMMON, SETUP, CHANGE_LOG, RETENTION, GAP_CONFIRM);

    /** The options of {@code jdbc-query}. */
    public static final List<ConfigOption<?>> QUERY = plus(COMMON, TIMESTAMP_COLUMN, VERSION_COLUMN, CREATED_COLUMN,
            SAFETY_WINDOW, SOFT_DELETE_COLUMN, KEY_SCAN_INTERVAL);

    private JdbcSourceOptions() {
    }

    private static List<ConfigOption<?>> plus(List<ConfigOption<?>> base, ConfigOption<?>... more) {
        List<ConfigOption<?>> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }

    private static boolean areRegexes(List<String> patterns) {
        if (patterns.isEmpty()) {
            return false;
        }
        try {
            patterns.forEach(Pattern::compile);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
