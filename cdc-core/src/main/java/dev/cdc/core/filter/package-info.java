/**
 * Built-in filters ({@code table}, {@code operation}) and the table and column globs
 * ({@link dev.cdc.core.filter.TablePattern}, {@link dev.cdc.core.filter.ColumnPattern}) that
 * filters and transformers share.
 */
package dev.cdc.core.filter;
