/**
 * The {@code cdc} command line ({@link dev.cdc.launcher.Cdc}): {@code run}, {@code validate},
 * {@code plugins} and {@code status}, with the exit codes of {@link dev.cdc.launcher.ExitCodes}.
 */
package dev.cdc.launcher;
