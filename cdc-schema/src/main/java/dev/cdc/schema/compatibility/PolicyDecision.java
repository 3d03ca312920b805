package dev.cdc.schema.compatibility;

/** What the engine does with a migration for one sink, as decided by its {@link SchemaPolicy}. */
public enum PolicyDecision {
    /** Deliver the migration to the sink, between the last event of the old shape and the first of the new. */
    APPLY,
    /** Do not deliver it; keep writing events (the sink drops columns it does not know). */
    SKIP,
    /** Stop the pipeline before the change; the checkpoint stays just before it. */
    STOP,
    /**
     * Wait before the change until an operator decides: approved, it is applied as {@link #APPLY};
     * rejected, it is skipped as {@link #SKIP}. The checkpoint stays just before it meanwhile.
     */
    HOLD
}
