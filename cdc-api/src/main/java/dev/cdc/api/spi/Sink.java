package dev.cdc.api.spi;

import dev.cdc.api.error.NotSupportedException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.schema.SchemaChangeKind;

import java.util.List;
import java.util.Set;

/**
 * Writes change events to a target system.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #write} may buffer; after {@link #flush} returns, every event passed to
 *   {@code write} before it is durable in the target. The engine acknowledges events (and so
 *   lets the checkpoint pass them) only after {@code flush} returned.</li>
 *   <li>Events may arrive again after a restart or a retry (at-least-once). A sink that writes
 *   idempotently (by key, guarded by {@link dev.cdc.api.event.Position#sortKey()}) makes the
 *   pipeline effectively exactly-once.</li>
 *   <li>Events of one key arrive in source order.</li>
 *   <li>A failure is thrown; a {@link dev.cdc.api.error.RetriableException} is retried per the
 *   sink's retry policy; a {@link dev.cdc.api.error.PartialWriteException} names the events
 *   that failed when others succeeded.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * All methods of one instance are called from one lane thread, never concurrently.
 */
public interface Sink extends AutoCloseable {

    /** Connects. Called once before the first write. */
    default void open() throws Exception {
    }

    void write(List<ChangeEvent> events) throws Exception;

    /** Makes everything written so far durable. */
    default void flush() throws Exception {
    }

    /**
     * A table's schema changed at this point of the stream: every event written before had the
     * old shape, every event after has the new one. The default does nothing: the sink writes
     * rows as they come.
     */
    default void applySchemaChange(SchemaChangeEvent change) throws Exception {
    }

    /** The schema changes this sink can apply downstream (create a mapping, alter a table). */
    default Set<SchemaChangeKind> supportedSchemaChanges() {
        return Set.of();
    }

    /**
     * What {@link #applySchemaChange} would do to the target for this change, without doing it:
     * the statements in the order they would run (SQL for a database, HTTP requests for a search
     * engine), as {@code cdc schema plan} prints them and as an operator reviews them before a
     * change is approved. {@code change} is what the engine would hand to
     * {@code applySchemaChange}: its {@code before} is the schema the sink accepted and its
     * {@code changes} the migration from it ({@code create-table} for a table the sink has not
     * seen). A statement may end with a {@code --} comment saying when it is skipped (already
     * applied) or what could not be carried over.
     *
     * <p>Called on a sink that was created but not opened, possibly with no target reachable: it
     * must not connect, and it must not change the sink's state. Empty when the change needs nothing
     * in the target. The default throws {@link NotSupportedException}: the sink cannot say.
     */
    default List<String> previewSchemaChange(SchemaChangeEvent change) {
        throw new NotSupportedException("sink", getClass().getSimpleName(), "previewing schema changes");
    }

    /** Releases resources; idempotent. Does not flush. */
    @Override
    void close() throws Exception;
}
