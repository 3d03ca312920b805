package dev.cdc.source.jdbc.dialect;

import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.source.jdbc.JdbcSourceOptions.DialectName;
import dev.cdc.source.jdbc.catalog.JdbcColumn;

import java.util.Optional;

/**
 * What differs between databases: quoting, the keyset syntax, how a key value is bound back,
 * and (where the database has SQL or Java row triggers) the change log's DDL and triggers.
 */
public interface Dialect {

    String name();

    /** A quoted identifier ({@code "name"} unless the dialect says otherwise). */
    default String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    default String qualified(TableId table) {
        return quote(table.namespace()) + "." + quote(table.name());
    }

    /** Row-value comparisons and {@code LIMIT n}, unless the dialect says otherwise. */
    default KeysetTable.Syntax syntax() {
        return KeysetTable.Syntax.LIMIT;
    }

    /** The parameter expression a key value (bound as text) is compared through. */
    default String keyParameter(JdbcColumn column) {
        return "?";
    }

    /** True when a table's namespace is the JDBC catalog (MariaDB databases), false when it is the schema. */
    default boolean namespaceIsCatalog() {
        return false;
    }

    /**
     * The session's current time minus {@code window}, as an SQL expression comparable with a
     * timestamp column ({@code withTimeZone}: a TIMESTAMP WITH TIME ZONE column).
     */
    default String nowMinus(java.time.Duration window, boolean withTimeZone) {
        return "(" + (withTimeZone ? "CURRENT_TIMESTAMP" : "LOCALTIMESTAMP") + " - INTERVAL '"
                + window.toMillis() / 1000.0 + "' SECOND)";
    }

    /**
     * A query of a table's estimated row count (from the statistics, never a count), with the
     * namespace and the name as parameters; empty when the dialect has none.
     */
    default Optional<String> estimateQuery() {
        return Optional.empty();
    }

    /** The change log and its triggers, when this database can have them. */
    default Optional<ChangeLogSql> changeLog() {
        return this instanceof ChangeLogSql sql ? Optional.of(sql) : Optional.empty();
    }

    /** The dialect for a configured name, or from the URL for {@code auto}. */
    static Dialect of(DialectName name, String url) {
        DialectName n = name;
        if (n == DialectName.AUTO) {
            n = url.startsWith("jdbc:postgresql:") ? DialectName.POSTGRESQL
                    : url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:") ? DialectName.MARIADB
                    : url.startsWith("jdbc:h2:") ? DialectName.H2 : DialectName.GENERIC;
        }
        return switch (n) {
            case POSTGRESQL -> new PostgresDialect();
            case MARIADB -> new MariaDbDialect();
            case H2 -> new H2Dialect();
            default -> new GenericDialect();
        };
    }
}
