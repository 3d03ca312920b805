package dev.cdc.source.postgres;

/** When the source reads the tables' existing rows before streaming changes. */
public enum SnapshotMode {
    /** On a first start (no checkpoint): create the slot, read every table in its snapshot, then stream. */
    INITIAL,
    /** Never read existing rows: stream from the slot (created if absent). */
    NEVER,
    /** Snapshot whenever there is no usable slot or checkpoint: first start, slot dropped, invalidated or ahead. */
    WHEN_NEEDED,
    /** Read every table in a consistent snapshot, then finish without streaming. */
    INITIAL_ONLY
}
