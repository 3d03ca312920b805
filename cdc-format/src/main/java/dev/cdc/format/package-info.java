/**
 * The JSON envelope of events: one documented shape ({@code cdc} or {@code debezium}, plus the
 * unwrapped key/value form) shared by every sink that writes events as JSON. See
 * {@link dev.cdc.format.EnvelopeWriter} and {@code docs/envelope.md}.
 */
package dev.cdc.format;
