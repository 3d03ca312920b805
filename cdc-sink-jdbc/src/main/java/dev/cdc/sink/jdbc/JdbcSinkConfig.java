package dev.cdc.sink.jdbc;

import dev.cdc.sink.jdbc.JdbcSinkOptions.DropMode;
import dev.cdc.sink.jdbc.JdbcSinkOptions.KeylessMode;
import dev.cdc.sink.jdbc.dialect.Dialect;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The {@code jdbc} sink's options, bound and checked once by the factory.
 *
 * @param sink            the sink's name in the pipeline
 * @param url             the JDBC URL
 * @param connection      driver properties, user and password included
 * @param user            the user, for messages (empty when none)
 * @param dialect         the target's dialect
 * @param schema          the schema template, when set
 * @param tableName       the table name template
 * @param rowsPerStatement most rows per multi-row statement
 * @param keyless         rows of keyless tables
 * @param dropColumns     dropped source columns
 * @param dropTables      dropped source tables
 * @param columnTypes     target type overrides by column
 * @param sortKeyColumn   the hidden sort key column
 * @param tombstoneTable  the tombstone side table's name
 * @param tombstoneRetention how long tombstones are kept
 */
record JdbcSinkConfig(String sink, String url, Properties connection, String user, Dialect dialect,
                      Optional<String> schema, String tableName, int rowsPerStatement, KeylessMode keyless,
                      DropMode dropColumns, DropMode dropTables, Map<String, String> columnTypes, String sortKeyColumn,
                      String tombstoneTable, Duration tombstoneRetention) {

    JdbcSinkConfig {
        Objects.requireNonNull(url, "url");
        columnTypes = Map.copyOf(columnTypes);
    }

    /** The schema of the tombstone table: the {@code schema} option when it is fixed text, else the connection's. */
    Optional<String> fixedSchema() {
        return schema.filter(s -> !s.contains("${"));
    }

    /** The URL without any password parameter, for messages and logs. */
    String redactedUrl() {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1******").replaceAll("//([^/@:]+):[^/@]*@", "//$1:******@");
    }
}
