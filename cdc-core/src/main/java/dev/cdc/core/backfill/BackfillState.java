package dev.cdc.core.backfill;

import java.util.Locale;

/** Where a backfill request stands. Its tag (lower case) is what the store, the HTTP API and {@code cdc} print. */
public enum BackfillState {
    /** Accepted, not begun: the source has not reported a chunk of it yet. */
    QUEUED,
    /** The source reported chunks of it; not finished, or its last chunk is not durable yet. */
    RUNNING,
    /** Every chunk is durable in every target sink. */
    DONE,
    /** Refused by the source (or the engine); see the record's error. */
    FAILED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for DONE and FAILED: the request no longer runs. */
    public boolean ended() {
        return this == DONE || this == FAILED;
    }

    /** The state of a tag, e.g. {@code "queued"}. */
    public static BackfillState ofTag(String tag) {
        return valueOf(tag.toUpperCase(Locale.ROOT));
    }
}
