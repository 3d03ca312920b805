package dev.cdc.jdbc.snapshot.backfill;

/**
 * What a streaming source does when the position its checkpoint names is gone (a PostgreSQL slot
 * dropped or invalidated, a MySQL binlog purged): the {@code on-position-lost} option.
 */
public enum OnPositionLost {
    /** Refuse to go on, saying what happened and which options would heal it. */
    FAIL,
    /**
     * Take a new position where the log is now, stream from there, and backfill every captured
     * table with watermarks (requests with ids derived from the lost position, so a crash during
     * the heal does not request them twice).
     */
    HEAL
}
