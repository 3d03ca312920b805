package dev.cdc.sink.jdbc.table;

import java.util.Objects;
import java.util.Optional;

/**
 * A column as the sink defines it in DDL.
 *
 * @param name       the column's name (unquoted)
 * @param sqlType    the target type, as written in DDL ({@code numeric(12,2)}, {@code varchar(200)})
 * @param nullable   whether NULL is allowed
 * @param defaultSql the default as a target SQL literal, when the source's default could be carried over
 */
public record ColumnDef(String name, String sqlType, boolean nullable, Optional<String> defaultSql) {

    public ColumnDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sqlType, "sqlType");
        Objects.requireNonNull(defaultSql, "defaultSql");
    }
}
