package dev.cdc.source.mysql;

/**
 * What the source does when the checkpoint's binlog position is no longer on the server (its file
 * was purged, or the server has no binlog holding its GTID position): {@code on-position-lost}.
 */
public enum OnPositionLost {
    /** Refuse to start, naming what was lost and the options that recover. */
    FAIL,
    /** Stream from the binlog's current end and backfill every captured table (with watermarks). */
    HEAL
}
