/** Micrometer metrics of a pipeline and the adapter that gives plugins a {@link dev.cdc.api.spi.PluginMetrics}. */
package dev.cdc.core.metrics;
