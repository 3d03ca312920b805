/**
 * The pipeline runtime: the source thread and its context, fan-out to one lane per sink (bounded
 * queue, worker thread, retry, failure policy) and the checkpoint coordinator. Internal: embed
 * through {@link dev.cdc.core.pipeline.Pipeline}.
 */
package dev.cdc.core.runtime;
