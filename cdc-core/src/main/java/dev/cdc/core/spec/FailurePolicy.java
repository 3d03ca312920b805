package dev.cdc.core.spec;

import java.util.Locale;

/** What a sink lane does with an event whose retries are spent. */
public enum FailurePolicy {
    /** Stop the pipeline; the checkpoint does not move past the event. */
    FAIL,
    /** Write the event and its error to the dead-letter target, then go on. */
    DEAD_LETTER,
    /** Count it, log it, go on. */
    SKIP;

    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
