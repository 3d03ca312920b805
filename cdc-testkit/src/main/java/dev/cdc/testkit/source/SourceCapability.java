package dev.cdc.testkit.source;

/**
 * What a source under {@link SourceContract} can do. A source declares what it has; the kit
 * adapts what it drives and asserts, so a weaker source is held to what it does promise.
 */
public enum SourceCapability {
    /**
     * Every committed change is delivered, also several changes of one row made between two reads
     * (log- and trigger-based capture). A source without it (polling) delivers each row's latest
     * state: the kit then makes each change only after the previous one arrived, and asserts
     * separately that quick successive changes end in the latest state.
     */
    EVERY_CHANGE
}
