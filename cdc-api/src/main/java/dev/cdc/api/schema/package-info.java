/**
 * Table schemas in one logical type system shared by every source, and the changes between
 * two versions of a schema.
 */
package dev.cdc.api.schema;
