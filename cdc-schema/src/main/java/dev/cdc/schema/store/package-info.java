/**
 * {@link dev.cdc.schema.registry.SchemaStore} implementations: a JSON file written atomically,
 * and memory (for tests and pipelines that need no history across restarts).
 */
package dev.cdc.schema.store;
