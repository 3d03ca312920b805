/**
 * The exceptions of cdc: one unchecked root, {@link dev.cdc.api.error.CdcException}, and a few
 * subtypes that change what the engine does (retry, stop, report).
 */
package dev.cdc.api.error;
