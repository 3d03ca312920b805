package dev.cdc.jdbc.snapshot;

/** When a source reads its tables' existing rows before (or instead of) streaming changes. */
public enum SnapshotMode {
    /** On a first start (no checkpoint): read every captured table, then stream from the snapshot's point. */
    INITIAL,
    /** Never read existing rows: stream only, from where the source's log begins on a first start. */
    NEVER,
    /** As {@link #INITIAL}, and again whenever the checkpointed position is no longer usable (slot dropped, log purged). */
    WHEN_NEEDED,
    /** Read every table in a snapshot, then finish without streaming. */
    INITIAL_ONLY
}
