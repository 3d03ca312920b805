package dev.cdc.source.mysql;

/** Who creates the watermark table: the source at start ({@code auto}) or a DBA ({@code manual}). */
public enum WatermarkSetup {
    AUTO,
    MANUAL
}
