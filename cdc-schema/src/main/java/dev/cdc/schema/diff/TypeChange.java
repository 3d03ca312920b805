package dev.cdc.schema.diff;

/** How a column's logical type changed; see {@link TypeChanges#classify} for the rules. */
public enum TypeChange {
    /** The same type: nothing changed. */
    SAME,
    /** Every value of the old type is a value of the new one, exactly. */
    WIDENING,
    /** The reverse of a widening: some values of the old type do not fit the new one. */
    NARROWING,
    /** Neither type holds the other's values; values must be converted or re-read. */
    INCOMPATIBLE
}
