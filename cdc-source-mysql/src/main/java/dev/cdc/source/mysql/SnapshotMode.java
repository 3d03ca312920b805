package dev.cdc.source.mysql;

/** When the source reads the tables themselves instead of (or before) the binlog. */
public enum SnapshotMode {
    /** A snapshot on a first start (no checkpoint), then the binlog. */
    INITIAL,
    /** Never a snapshot: the binlog only, from its current end on a first start. */
    NEVER,
    /** As {@link #INITIAL}, and again when the checkpointed binlog position is no longer on the server. */
    WHEN_NEEDED,
    /** A snapshot on a first start, then finish without streaming. */
    INITIAL_ONLY
}
