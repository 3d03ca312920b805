package dev.cdc.source.jdbc.catalog;

import dev.cdc.api.schema.DataType;

/**
 * A column as the driver's metadata describes it.
 *
 * @param name     its name
 * @param type     its logical type
 * @param jdbcType its {@link java.sql.Types} code
 * @param typeName the database's type name ({@code int8}, {@code varchar}, {@code DECIMAL})
 * @param nullable whether it may hold NULL
 */
public record JdbcColumn(String name, DataType type, int jdbcType, String typeName, boolean nullable) {
}
