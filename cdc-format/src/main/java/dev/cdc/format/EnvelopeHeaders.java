package dev.cdc.format;

/**
 * Event headers that change how an event is written as JSON. Transformers set them; every
 * sink that writes envelopes honours them.
 */
public final class EnvelopeHeaders {

    /**
     * Set to {@value #UNWRAPPED} by the {@code unwrap} transformer: the event is written as
     * {@code {"key": {...}, "value": {...}}}, where the value is the after row, or {@code null}
     * for a delete (a tombstone).
     */
    public static final String ENVELOPE = "cdc.envelope";

    public static final String UNWRAPPED = "unwrapped";

    /**
     * With an unwrapped DELETE: {@value #DELETE_TOMBSTONE} (value {@code null}) or
     * {@value #DELETE_REWRITE} (value is the before row plus {@code "__deleted": true}).
     */
    public static final String DELETE_HANDLING = "cdc.delete-handling";

    public static final String DELETE_TOMBSTONE = "tombstone";

    public static final String DELETE_REWRITE = "rewrite";

    /** On dead letters: the error's message. */
    public static final String ERROR_MESSAGE = "cdc.error.message";

    /** On dead letters: the error's class. */
    public static final String ERROR_CLASS = "cdc.error.class";

    /** On dead letters: the sink that failed to write the event. */
    public static final String ERROR_SINK = "cdc.error.sink";

    /** On dead letters: how many attempts were made. */
    public static final String ERROR_ATTEMPTS = "cdc.error.attempts";

    private EnvelopeHeaders() {
    }
}
