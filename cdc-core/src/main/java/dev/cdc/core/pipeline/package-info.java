/**
 * A pipeline's definition ({@link dev.cdc.core.spec.PipelineSpec}) and the embedding API
 * ({@link dev.cdc.core.pipeline.Pipeline}, {@link dev.cdc.core.pipeline.PipelineBuilder}).
 */
package dev.cdc.core.pipeline;
