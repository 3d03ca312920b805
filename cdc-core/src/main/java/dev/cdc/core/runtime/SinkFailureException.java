package dev.cdc.core.runtime;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.StreamEvent;

/**
 * A sink lane gave up: retries were spent on an event and the sink's policy is {@code fail} (or
 * the dead-letter target failed too). The pipeline stops; the checkpoint stays before the event.
 */
public class SinkFailureException extends CdcException {

    private final String sink;

    public SinkFailureException(String sink, StreamEvent event, int attempts, Throwable cause) {
        super("sink '" + sink + "' failed to write " + describe(event) + " after " + attempts + " attempt(s): "
                + cause, cause);
        this.sink = sink;
    }

    public SinkFailureException(String sink, String message, Throwable cause) {
        super("sink '" + sink + "' " + message, cause);
        this.sink = sink;
    }

    public String sink() {
        return sink;
    }

    static String describe(StreamEvent event) {
        if (event instanceof dev.cdc.api.event.ChangeEvent c) {
            return c.operation().name().toLowerCase(java.util.Locale.ROOT) + " of " + c.table() + " key " + c.key()
                    + " at " + c.position();
        }
        return "schema change of " + event.table() + " at " + event.position();
    }
}
