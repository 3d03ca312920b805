package dev.cdc.api.schema;

import java.util.Locale;

/** The kinds of logical type. Each sink maps them to its own types. */
public enum TypeKind {
    BOOLEAN, INT16, INT32, INT64, FLOAT32, FLOAT64, DECIMAL, STRING, BYTES, DATE, TIME, TIMESTAMP,
    TIMESTAMP_TZ, UUID, JSON, ARRAY,
    /** A source type with no logical equivalent; the value is its text and the type keeps its source name. */
    OTHER;

    /** The lower-case name used in YAML and JSON ({@code timestamp_tz}). */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
