package dev.cdc.api.spi;

import dev.cdc.api.event.Position;

/**
 * Reads a database's changes and emits them, in log order, through a {@link SourceContext}.
 *
 * <h2>Lifecycle and threads</h2>
 * <ol>
 *   <li>{@link #open} once, on the source thread: connect, check the database is set up for
 *   CDC (and fail with a message saying what to change if not).</li>
 *   <li>{@link #run} once, on the source thread: read and {@link SourceContext#emit emit} until
 *   {@link SourceContext#isStopping()} turns true (then return promptly) or the source has no
 *   more to read (a finite source: return; the pipeline drains and completes). Throw on failure.
 *   {@code emit} blocks while the pipeline is full: that is how back-pressure reaches the
 *   database reader.</li>
 *   <li>{@link #commit} any number of times, from the engine's checkpoint thread, concurrently
 *   with {@code run}: every event up to and including the position is durably in every sink,
 *   so the source may let the database discard the log before it.</li>
 *   <li>{@link #close} once, after {@code run} returned or failed; idempotent.</li>
 * </ol>
 * The engine may interrupt the source thread when a stop takes too long.
 */
public interface Source extends AutoCloseable {

    /** Connects and checks. {@code context.resumePosition()} is where to resume, if anywhere. */
    default void open(SourceContext context) throws Exception {
    }

    /** Reads and emits until stopping or exhausted. */
    void run(SourceContext context) throws Exception;

    /** Everything up to and including {@code position} is durable downstream. Thread-safe. */
    default void commit(Position position) throws Exception {
    }

    /**
     * Whether this source runs the {@linkplain SourceContext#backfills() backfills} the engine
     * lists (reading chunks between watermarks written through its log). The engine refuses a
     * backfill request for a source that cannot.
     */
    default boolean canBackfill() {
        return false;
    }

    @Override
    void close() throws Exception;
}
