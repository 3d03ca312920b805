/**
 * The schema registry: every version of every table's schema, with the source position where it
 * took effect, persisted through the {@link dev.cdc.schema.registry.SchemaStore} SPI.
 */
package dev.cdc.schema.registry;
