/**
 * Watching a running pipeline from outside: what it reports ({@link dev.cdc.launcher.monitor.PipelineObserver}),
 * its health, its status as JSON, and the HTTP endpoint serving {@code /metrics}, {@code /health} and
 * {@code /status} ({@link dev.cdc.launcher.monitor.MonitoringServer}).
 */
package dev.cdc.launcher.monitor;
