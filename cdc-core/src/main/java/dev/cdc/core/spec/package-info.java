/**
 * The engine's vocabulary, below every other package of cdc-core: what a pipeline is (its
 * validated {@link dev.cdc.core.spec.PipelineSpec}, each {@link dev.cdc.core.spec.SinkSpec} with
 * its retry, failure and backlog settings, {@link dev.cdc.core.spec.PluginSpec}s, engine and
 * metrics settings) and what a running one reports ({@link dev.cdc.core.spec.PipelineState},
 * {@link dev.cdc.core.spec.PipelineStatus}, {@link dev.cdc.core.spec.PipelineListener}).
 * YAML binding ({@code config}) makes these records, the runtime runs them and the embedding API
 * ({@code pipeline}) hands them out; this package depends on none of those.
 */
package dev.cdc.core.spec;
