/**
 * How the engine uses the schema registry of {@code cdc-schema}: the pipeline-wide
 * {@link dev.cdc.core.schema.SchemaTracker} registers every schema change and stamps row events with
 * their schema version; each sink lane's {@link dev.cdc.core.schema.SchemaGate} decides, per the
 * sink's schema policy, whether a change is applied to the sink, ignored, or stops the pipeline.
 */
package dev.cdc.core.schema;
