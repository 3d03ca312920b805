package dev.cdc.api.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One captured row change. Immutable: copies come from the {@code with...} methods.
 *
 * @param operation     what happened
 * @param table         the table it happened to
 * @param key           the primary-key (or replica-identity) columns and values; empty for a
 *                      table without a key, and for TRUNCATE
 * @param before        the row before the change, when the source has it (UPDATE, DELETE)
 * @param after         the row after the change (CREATE, UPDATE, READ)
 * @param commitTime    when the transaction committed
 * @param transactionId the source's transaction id, when it has one
 * @param position      where the event sits in the source's log
 * @param schemaVersion the version of the table's schema the row was read under, or 0 if unknown
 * @param headers       free-form metadata that transformers and sinks may read (never null)
 */
public record ChangeEvent(
        Operation operation,
        TableId table,
        Row key,
        Optional<Row> before,
        Optional<Row> after,
        Instant commitTime,
        Optional<String> transactionId,
        Position position,
        long schemaVersion,
        Map<String, String> headers) implements StreamEvent {

    public ChangeEvent {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(commitTime, "commitTime");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(position, "position");
        headers = Map.copyOf(headers);
        switch (operation) {
            case CREATE, READ -> require(after.isPresent(), operation, "an after row");
            case UPDATE -> require(after.isPresent(), operation, "an after row");
            case DELETE -> require(before.isPresent() || !key.isEmpty(), operation, "a before row or a key");
            case TRUNCATE -> require(before.isEmpty() && after.isEmpty(), operation, "neither before nor after");
            default -> throw new AssertionError(operation);
        }
    }

    private static void require(boolean ok, Operation op, String what) {
        if (!ok) {
            throw new IllegalArgumentException("a " + op + " event needs " + what);
        }
    }

    /** An INSERT. */
    public static ChangeEvent insert(TableId table, Row key, Row after, Instant commitTime, Position position) {
        return new ChangeEvent(Operation.CREATE, table, key, Optional.empty(), Optional.of(after), commitTime,
                Optional.empty(), position, 0, Map.of());
    }

    /** An UPDATE; {@code before} may be null when the source does not send it. */
    public static ChangeEvent update(TableId table, Row key, Row before, Row after, Instant commitTime, Position position) {
        return new ChangeEvent(Operation.UPDATE, table, key, Optional.ofNullable(before), Optional.of(after),
                commitTime, Optional.empty(), position, 0, Map.of());
    }

    /** A DELETE; {@code before} may be null when the source sends only the key. */
    public static ChangeEvent delete(TableId table, Row key, Row before, Instant commitTime, Position position) {
        return new ChangeEvent(Operation.DELETE, table, key, Optional.ofNullable(before), Optional.empty(),
                commitTime, Optional.empty(), position, 0, Map.of());
    }

    /** A row read by a snapshot. */
    public static ChangeEvent read(TableId table, Row key, Row after, Instant commitTime, Position position) {
        return new ChangeEvent(Operation.READ, table, key, Optional.empty(), Optional.of(after), commitTime,
                Optional.empty(), position, 0, Map.of());
    }

    /** A TRUNCATE of the whole table. */
    public static ChangeEvent truncate(TableId table, Instant commitTime, Position position) {
        return new ChangeEvent(Operation.TRUNCATE, table, Row.empty(), Optional.empty(), Optional.empty(),
                commitTime, Optional.empty(), position, 0, Map.of());
    }

    public boolean isDelete() {
        return operation == Operation.DELETE;
    }

    /** The after row, or the before row for a DELETE, or the key when neither is there. */
    public Row latestRow() {
        return after.or(() -> before).orElse(key);
    }

    public ChangeEvent withTable(TableId newTable) {
        return new ChangeEvent(operation, newTable, key, before, after, commitTime, transactionId, position,
                schemaVersion, headers);
    }

    public ChangeEvent withKey(Row newKey) {
        return new ChangeEvent(operation, table, newKey, before, after, commitTime, transactionId, position,
                schemaVersion, headers);
    }

    public ChangeEvent withRows(Optional<Row> newBefore, Optional<Row> newAfter) {
        return new ChangeEvent(operation, table, key, newBefore, newAfter, commitTime, transactionId, position,
                schemaVersion, headers);
    }

    public ChangeEvent withTransactionId(String id) {
        return new ChangeEvent(operation, table, key, before, after, commitTime, Optional.of(id), position,
                schemaVersion, headers);
    }

    public ChangeEvent withSchemaVersion(long version) {
        return new ChangeEvent(operation, table, key, before, after, commitTime, transactionId, position, version,
                headers);
    }

    public ChangeEvent withPosition(Position newPosition) {
        return new ChangeEvent(operation, table, key, before, after, commitTime, transactionId, newPosition,
                schemaVersion, headers);
    }

    /** A copy with one header added or replaced. */
    public ChangeEvent withHeader(String name, String value) {
        var copy = new java.util.HashMap<>(headers);
        copy.put(name, value);
        return new ChangeEvent(operation, table, key, before, after, commitTime, transactionId, position,
                schemaVersion, copy);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }
}
