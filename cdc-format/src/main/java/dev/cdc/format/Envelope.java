package dev.cdc.format;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;

import java.io.IOException;

/** One envelope format's writer. Implementations are immutable and thread-safe. */
sealed interface Envelope permits CdcEnvelope, DebeziumEnvelope {

    /** Writes a row change, wrapped in the full envelope. */
    void writeChange(JsonGenerator g, ChangeEvent event, long writeMillis) throws IOException;

    /** Writes a schema change. */
    void writeSchemaChange(JsonGenerator g, SchemaChangeEvent event, long writeMillis) throws IOException;

    /** How this format writes values and rows (what it does with unchanged columns). */
    JsonValues values();

    /** Whether this format lists unchanged columns in an {@code "unchanged"} array (else it writes a placeholder). */
    boolean listsUnchanged();
}
