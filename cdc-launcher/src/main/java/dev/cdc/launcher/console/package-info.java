/**
 * What {@code cdc run} prints to stderr while a pipeline runs: periodic status lines, snapshot
 * progress and the final summary ({@link dev.cdc.launcher.console.StatusReporter}).
 */
package dev.cdc.launcher.console;
