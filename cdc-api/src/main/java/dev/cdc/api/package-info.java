/**
 * The contracts of cdc: the change-event model, the table-schema model and the plugin SPI.
 *
 * <p>This module depends on the JDK only. Every type here is either an immutable value or an
 * interface; nothing in it holds engine state. Values are non-null unless a method says
 * otherwise; absent values are {@link java.util.Optional}.
 */
package dev.cdc.api;
