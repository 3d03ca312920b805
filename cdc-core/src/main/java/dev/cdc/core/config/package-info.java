/**
 * YAML pipeline files: {@link dev.cdc.core.config.PipelineLoader} binds one to a validated
 * {@link dev.cdc.core.spec.PipelineSpec}, resolving {@code ${env:...}} and {@code ${file:...}}
 * references and reporting every problem with its file, line and YAML path before anything connects.
 */
package dev.cdc.core.config;
