/**
 * Change events: what a source captured and what sinks receive.
 *
 * <p>A source emits {@link dev.cdc.api.event.StreamEvent}s in log order: row changes
 * ({@link dev.cdc.api.event.ChangeEvent}) and schema changes
 * ({@link dev.cdc.api.event.SchemaChangeEvent}) at the position where they take effect.
 */
package dev.cdc.api.event;
