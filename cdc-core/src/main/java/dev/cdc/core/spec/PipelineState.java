package dev.cdc.core.spec;

/** Where a pipeline is in its life. */
public enum PipelineState {
    /** Built, not started. */
    CREATED,
    /** Opening the checkpoint store, the sinks and the source. */
    STARTING,
    /** Capturing and delivering. */
    RUNNING,
    /** Draining after a stop request: no new events are read; queued ones are delivered and checkpointed. */
    STOPPING,
    /** Stopped on request, after the final checkpoint. */
    STOPPED,
    /** The source had no more events (a finite source) and everything was delivered and checkpointed. */
    COMPLETED,
    /** Stopped by a failure; the checkpoint holds only what every sink acknowledged. */
    FAILED;

    public boolean isTerminal() {
        return this == STOPPED || this == COMPLETED || this == FAILED;
    }
}
