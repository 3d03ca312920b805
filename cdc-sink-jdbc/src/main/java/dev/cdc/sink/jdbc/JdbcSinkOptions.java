package dev.cdc.sink.jdbc;

import dev.cdc.api.config.ConfigOption;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The options of the {@code jdbc} sink. See docs/cdc-sink-jdbc.md for what each choice means. */
public final class JdbcSinkOptions {

    /** What happens to rows of a table without a primary key. */
    public enum KeylessMode {
        /** Rows of a keyless table fail with an error that names the fixes. */
        FAIL,
        /** Inserts and snapshot rows are appended once each (the sort key column is the key); updates and deletes fail. */
        APPEND
    }

    /** What a dropped source column or table does to the target. */
    public enum DropMode {
        /** The target drops it too. */
        DROP,
        /** The target keeps it (a kept column is made nullable and no longer written). */
        KEEP
    }

    /** The SQL dialect; AUTO picks it from the URL. */
    public enum DialectName {
        AUTO, POSTGRESQL, MARIADB, MYSQL, H2, GENERIC
    }

    public static final ConfigOption<String> URL = ConfigOption.key("url").stringType().required()
            .check(u -> u.startsWith("jdbc:"), "a JDBC URL such as jdbc:postgresql://host:5432/db")
            .description("The target database's JDBC URL: jdbc:postgresql://..., jdbc:mariadb://... (or jdbc:mysql://),"
                    + " jdbc:h2:..., or any other driver on the class path (generic dialect). Put credentials in"
                    + " 'user' and 'password' rather than in the URL.");

    public static final ConfigOption<String> USER = ConfigOption.key("user").stringType().noDefaultValue()
            .description("User to connect as. It needs INSERT, UPDATE, DELETE and SELECT on the target tables, and"
                    + " CREATE (and ALTER, for schema changes) in the target schema unless the tables exist.");

    public static final ConfigOption<String> PASSWORD = ConfigOption.key("password").stringType().noDefaultValue()
            .secret().description("Password of the user; use ${env:NAME} or ${file:/path} to keep it out of the file.");

    public static final ConfigOption<DialectName> DIALECT = ConfigOption.key("dialect").enumType(DialectName.class)
            .defaultValue(DialectName.AUTO)
            .description("The SQL dialect: auto (from the URL), postgresql, mariadb, mysql, h2, or generic (standard"
                    + " SQL MERGE and types, for other databases).");

    public static final ConfigOption<Map<String, String>> PROPERTIES = ConfigOption.key("properties").mapType()
            .defaultValue(Map.of())
            .description("Extra JDBC connection properties passed to the driver, e.g. {sslmode: require}.");

    public static final ConfigOption<String> SCHEMA = ConfigOption.key("schema").stringType().noDefaultValue()
            .description("The target schema (PostgreSQL, H2) or database (MariaDB, MySQL) of the tables: fixed text,"
                    + " or ${namespace} for the source table's namespace; created when missing. Default: the"
                    + " connection's current schema or database.");

    public static final ConfigOption<String> TABLE_NAME = ConfigOption.key("table-name").stringType()
            .defaultValue("${name}")
            .description("Target table name template: ${name} (the source table's name), ${namespace}, or fixed"
                    + " text, e.g. cdc_${namespace}_${name}. A name longer than the database allows is an error"
                    + " (never silently cut).");

    public static final ConfigOption<Integer> ROWS_PER_STATEMENT = ConfigOption.key("rows-per-statement").intType()
            .defaultValue(500).check(n -> n >= 1 && n <= 10_000, "between 1 and 10000")
            .description("Most rows in one multi-row upsert statement; fewer when the columns times the rows would"
                    + " pass the driver's limit on bind parameters. A batch is one transaction whatever its size.");

    public static final ConfigOption<KeylessMode> KEYLESS_TABLES = ConfigOption.key("keyless-tables")
            .enumType(KeylessMode.class).defaultValue(KeylessMode.FAIL)
            .description("Rows of a table without a primary key: 'fail' rejects them with a clear error (the failure"
                    + " policy applies); 'append' inserts each insert and snapshot row once (the sort key column is"
                    + " the table's key, so replays add nothing) and rejects updates and deletes.");

    public static final ConfigOption<DropMode> DROP_COLUMNS = ConfigOption.key("drop-columns")
            .enumType(DropMode.class).defaultValue(DropMode.DROP)
            .description("A column dropped at the source: 'drop' drops it in the target; 'keep' keeps it (made"
                    + " nullable) with the values it had, and later rows leave it alone.");

    public static final ConfigOption<DropMode> DROP_TABLES = ConfigOption.key("drop-tables")
            .enumType(DropMode.class).defaultValue(DropMode.KEEP)
            .description("A table dropped at the source: 'keep' leaves the target table and its rows; 'drop' drops it.");

    public static final ConfigOption<Map<String, String>> COLUMN_TYPES = ConfigOption.key("column-types").mapType()
            .defaultValue(Map.of())
            .description("Target SQL type per column, overriding the mapping from the logical type: keys are 'column'"
                    + " or 'namespace.table.column' (source names), values a type of the target such as"
                    + " numeric(40,10) or text. The fix for a type the target cannot hold.");

    public static final ConfigOption<String> SORT_KEY_COLUMN = ConfigOption.key("sort-key-column").stringType()
            .defaultValue("__cdc_sort_key").check(s -> !s.isBlank(), "not blank")
            .description("The hidden column that holds each row's source position (sort key): a write older than"
                    + " it is ignored, so replays and late retries never restore an older row.");

    public static final ConfigOption<String> TOMBSTONE_TABLE = ConfigOption.key("tombstone-table").stringType()
            .defaultValue("__cdc_tombstones").check(s -> !s.isBlank(), "not blank")
            .description("The side table (in the target schema) that remembers the position of each delete and"
                    + " truncate, so a replayed older insert cannot bring a deleted row back.");

    public static final ConfigOption<Duration> TOMBSTONE_RETENTION = ConfigOption.key("tombstone-retention")
            .durationType().defaultValue(Duration.ofDays(7)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("How long a tombstone is kept; older ones are removed when the sink opens and hourly. Keep"
                    + " it longer than any replay can reach back (checkpoint interval plus restart time).");

    static final List<ConfigOption<?>> ALL = List.of(URL, USER, PASSWORD, DIALECT, PROPERTIES, SCHEMA, TABLE_NAME,
            ROWS_PER_STATEMENT, KEYLESS_TABLES, DROP_COLUMNS, DROP_TABLES, COLUMN_TYPES, SORT_KEY_COLUMN,
            TOMBSTONE_TABLE, TOMBSTONE_RETENTION);

    private JdbcSinkOptions() {
    }
}
