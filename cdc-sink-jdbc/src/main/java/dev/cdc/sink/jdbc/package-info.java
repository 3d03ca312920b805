/**
 * The {@code jdbc} sink: rows into a SQL database, guarded by the source position, with tables
 * created from the logical schema and schema changes applied as DDL. See docs/cdc-sink-jdbc.md.
 */
package dev.cdc.sink.jdbc;
