package dev.cdc.source.postgres.catalog;

import java.util.Optional;

/**
 * A column as {@code pg_attribute} describes it.
 *
 * @param name       its name
 * @param typeOid    {@code atttypid}
 * @param typmod     {@code atttypmod}
 * @param notNull    {@code attnotnull}
 * @param sourceType {@code format_type(atttypid, atttypmod)}: {@code numeric(10,2)}, {@code text[]}
 * @param defaultValue its default expression, if any
 * @param attnum     {@code attnum}: its number in the table, kept by a rename, never reused
 * @param generated  whether it is a generated column (pgoutput does not publish those)
 */
public record CatalogColumn(String name, int typeOid, int typmod, boolean notNull, String sourceType,
                            Optional<String> defaultValue, int attnum, boolean generated) {
}
