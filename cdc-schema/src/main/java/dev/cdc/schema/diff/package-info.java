/**
 * The difference between two versions of a table's schema as an ordered list of
 * {@link dev.cdc.api.schema.SchemaChange}s, and the classification of type changes.
 */
package dev.cdc.schema.diff;
