/**
 * Built-in filters ({@code table}, {@code operation}) and the table and column globs
 * ({@link dev.cdc.plugins.filter.TablePattern}, {@link dev.cdc.plugins.filter.ColumnPattern}) that
 * filters and transformers share.
 */
package dev.cdc.plugins.filter;
