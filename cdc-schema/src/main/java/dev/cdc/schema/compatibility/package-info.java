/**
 * Compatibility verdicts of schema changes for the consumers downstream of a CDC pipeline, and
 * the per-sink policy that decides whether a migration is applied, skipped or stops the pipeline.
 */
package dev.cdc.schema.compatibility;
