package dev.cdc.format;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.event.TableId;

/**
 * What a sink that stores rows by key does with the rows of a table without a primary key. The
 * Elasticsearch and Redis sinks share the option ({@link #option}), the row identity
 * ({@link RowHash}) and the report a user sees when the sink first meets such a table
 * ({@link #report}), so both behave and read alike.
 */
public enum KeylessTables {
    /** Key each row by a SHA-256 of its values ({@link RowHash}); updates and deletes need the before row. */
    HASH,
    /** Leave the table's rows out (counted, logged once per table). */
    SKIP,
    /** Fail each row (the lane's failure policy applies). */
    FAIL;

    /**
     * The sink option {@code keyless-tables}, default {@link #HASH}.
     *
     * @param stored how a hashed row is stored, e.g. "indexes each row under" or "keys each row by"
     * @param unit   what identical rows become, e.g. "document" or "key"
     * @param scope  a sentence on where the option applies, or empty
     */
    public static ConfigOption<KeylessTables> option(String stored, String unit, String scope) {
        return ConfigOption.key("keyless-tables").enumType(KeylessTables.class).defaultValue(HASH)
                .description("Rows of a table without a primary key (reported when the sink first sees the table):"
                        + " 'hash' (default) " + stored + " a SHA-256 of its values (identical rows become one " + unit
                        + "; updates and deletes need the before row, e.g. PostgreSQL REPLICA IDENTITY FULL); 'skip'"
                        + " leaves the table out (counted, logged once); 'fail' fails each row (the failure policy"
                        + " applies)." + (scope.isEmpty() ? "" : " " + scope));
    }

    /**
     * Logs, once per table (the caller remembers which), what the sink does with the table's rows:
     * at INFO for {@link #HASH}, at WARNING for the others.
     */
    public void report(System.Logger log, String sink, TableId table, String stored, String unit) {
        String what = switch (this) {
            case HASH -> "its rows are " + stored + " a SHA-256 of their values (identical rows become one " + unit
                    + "; updates and deletes need the full before row, PostgreSQL: REPLICA IDENTITY FULL)";
            case SKIP -> "its rows are left out (counted)";
            case FAIL -> "each of its rows fails (the sink's on-failure policy applies)";
        };
        log.log(this == HASH ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "sink ''{0}'': table {1} has no primary key: {2}; set the sink option keyless-tables (hash, skip,"
                        + " fail) to choose", sink, table, what);
    }
}
