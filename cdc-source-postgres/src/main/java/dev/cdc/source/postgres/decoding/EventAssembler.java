package dev.cdc.source.postgres.decoding;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.schema.registry.SchemaRegistry;
import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.position.PgPosition;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Turns decoded pgoutput messages into {@link StreamEvent}s with their positions, and skips
 * those at or before the resume point: the server resends the transaction the checkpoint is in
 * (and possibly more); events with {@code (commit LSN, index) <= checkpoint} are dropped, every
 * later one is kept.
 *
 * <p>Positions must be the same when the server resends a transaction after a restart, or the
 * resume point would skip the wrong events. Row changes and logical messages are numbered
 * {@code 1, 3, 5, ...} (the n-th data event from 0 takes index {@code 2n + 1}), whatever else the
 * transaction holds. Relation messages are not: a new session resends them at its first use of a
 * table, so whether a transaction carries one differs between sessions. A schema-change event
 * (emitted only when a table's shape differs from the one known) therefore waits until the next
 * data event of its table and takes the even index just before it ({@code 2n}); at most one
 * schema change waits per data event, so no two events share a position.
 *
 * <p>A schema change lists the column renames when the attnums of the columns of both shapes are
 * known ({@link CapturedTable#attnums()}): its changes are then the diff with those renames
 * ({@link ColumnRenames}); otherwise it lists none and the engine's diff reports a renamed column
 * as dropped and added.
 */
public final class EventAssembler implements PgOutputListener {

    /** Where logical decoding messages ({@code pg_logical_emit_message}) appear. */
    public static final TableId MESSAGES = TableId.of("pg_logical", "message");

    /** Receives events in log order. */
    @FunctionalInterface
    public interface Output {
        void accept(StreamEvent event) throws Exception;
    }

    /** Builds the captured table of a Relation message (reading the catalog). */
    @FunctionalInterface
    public interface Resolver {
        /**
         * @param xid the id of the transaction the message came in (its changes must be visible to
         *            a catalog read that compares the message with the catalog), or -1 outside one
         */
        CapturedTable resolve(RelationMessage relation, long xid) throws Exception;
    }

    private final Resolver resolver;
    private final Predicate<TableId> selected;
    private final Output output;
    private final Map<Integer, CapturedTable> relations = new HashMap<>();
    private final Map<TableId, TableSchema> knownSchemas = new HashMap<>();
    /** The attnums of the known shapes' columns, where known for sure. */
    private final Map<TableId, List<Integer>> knownAttnums = new HashMap<>();
    /** Shapes announced by a Relation message and not yet emitted (before the table's next data event). */
    private final Map<TableId, CapturedTable> pendingSchemas = new HashMap<>();

    /** Which user message prefixes become events (reserved ones never do: {@link InternalMessages}). */
    private Predicate<String> messagePrefixes = p -> true;
    private long skipLsn = -1;
    private int skipIndex = -1;

    private long commitLsn;
    private Instant commitTime = Instant.EPOCH;
    private Optional<String> xid = Optional.empty();
    private long transactionId = -1;
    private int index;
    private boolean inTransaction;
    private long lastCommitLsn = -1;
    private long lastEndLsn = -1;
    private long lastCommitMicros;
    private long events;
    /** The WAL position of the message being decoded (its change's LSN). */
    private long walStart;
    /** Where the last Commit message was in the WAL (-1: none since the start). */
    private long lastCommitWalStart = -1;
    private String database = "";

    public EventAssembler(Resolver resolver, Predicate<TableId> selected, Output output) {
        this.resolver = resolver;
        this.selected = selected;
        this.output = output;
    }

    /** The database's name, for the {@code db} offset of positions. */
    public void database(String name) {
        this.database = name;
    }

    @Override
    public void walStart(long lsn) {
        this.walStart = lsn;
    }

    /** Emits only the messages whose prefix passes {@code prefixes} (besides the table selection). */
    public void messagePrefixes(Predicate<String> prefixes) {
        this.messagePrefixes = prefixes;
    }

    /** Drops every event at or before ({@code lsn}, {@code index}); -1 drops nothing. */
    public void skipUpTo(long lsn, int index) {
        this.skipLsn = lsn;
        this.skipIndex = index;
    }

    /**
     * A table's shape as known before streaming starts: no schema event unless it differs. Its
     * columns' attnums are not taken as known (the catalog may be ahead of the log).
     */
    public void knowSchema(TableSchema schema) {
        knownSchemas.put(schema.table(), schema);
        knownAttnums.remove(schema.table());
    }

    /** A table that starts being captured: its schema is emitted before its next event ({@link #announced}). */
    public void announce(CapturedTable table) {
        if (!knownSchemas.containsKey(table.table())) {
            pendingSchemas.put(table.table(), table);
        }
    }

    /** Whether a schema of {@code table} waits to be emitted (announced, or from a Relation message). */
    public boolean schemaPending(TableId table) {
        return pendingSchemas.containsKey(table);
    }

    /** Takes the schema {@link #announce}d for a table and not yet emitted (the caller emits it), if any. */
    public Optional<TableSchema> announced(TableId table) {
        CapturedTable pending = pendingSchemas.remove(table);
        if (pending == null) {
            return Optional.empty();
        }
        knownSchemas.put(table, pending.schema());
        know(table, pending.attnums());
        return Optional.of(pending.schema());
    }

    /** The commit LSN of the last complete transaction seen, or -1. */
    public long lastCommitLsn() {
        return lastCommitLsn;
    }

    /** The end LSN of the last complete transaction seen, or -1. */
    public long lastEndLsn() {
        return lastEndLsn;
    }

    /** The commit time of the last complete transaction, in microseconds since 2000-01-01. */
    public long lastCommitMicros() {
        return lastCommitMicros;
    }

    public boolean inTransaction() {
        return inTransaction;
    }

    /** How many events were handed on (skipped ones not counted). */
    public long events() {
        return events;
    }

    @Override
    public void begin(long lsn, long commitTimeMicros, long transactionId) {
        commitLsn = lsn;
        commitTime = instant(commitTimeMicros);
        xid = Optional.of(Long.toString(transactionId));
        this.transactionId = transactionId;
        index = 0;
        inTransaction = true;
    }

    @Override
    public void commit(long lsn, long endLsn, long commitTimeMicros) {
        lastCommitWalStart = walStart;
        inTransaction = false;
        transactionId = -1;
        lastCommitLsn = lsn;
        lastEndLsn = endLsn;
        lastCommitMicros = commitTimeMicros;
    }

    @Override
    public void relation(RelationMessage relation) throws Exception {
        CapturedTable table = resolver.resolve(relation, inTransaction ? transactionId : -1);
        relations.put(relation.oid(), table);
        if (!selected.test(table.table())) {
            return;
        }
        TableSchema before = knownSchemas.get(table.table());
        TableSchema after = table.schema();
        if (before != null && SchemaRegistry.sameVersion(before, after)) {
            pendingSchemas.remove(table.table());
            know(table.table(), table.attnums());
            return;
        }
        pendingSchemas.put(table.table(), table);
    }

    private void know(TableId table, Optional<List<Integer>> attnums) {
        if (attnums.isPresent()) {
            knownAttnums.put(table, attnums.get());
        } else {
            knownAttnums.remove(table);
        }
    }

    /**
     * Emits the schema change waiting for {@code table}, if any, at the even index before the next
     * data event; returns that data event's position, or null when it is at or before the resume point.
     */
    private Position nextFor(TableId table) throws Exception {
        CapturedTable pending = pendingSchemas.remove(table);
        if (pending != null) {
            TableSchema after = pending.schema();
            TableSchema before = knownSchemas.put(table, after);
            List<Integer> beforeAttnums = knownAttnums.get(table);
            know(table, pending.attnums());
            int i = 2 * index;
            if (!isSkipped(commitLsn, i)) {
                List<SchemaChange> changes = before == null || beforeAttnums == null || pending.attnums().isEmpty()
                        ? List.of() : ColumnRenames.changes(before, beforeAttnums, after, pending.attnums().get());
                output.accept(new SchemaChangeEvent(table, Optional.ofNullable(before), Optional.of(after),
                        changes, Optional.empty(), position(commitLsn, i), commitTime));
            }
        }
        return next();
    }

    @Override
    public void insert(int relation, Object[] newTuple) throws Exception {
        CapturedTable t = table(relation);
        if (t == null) {
            return;
        }
        Position position = nextFor(t.table());
        if (position == null) {
            return;
        }
        Row after = t.row(newTuple);
        emit(new ChangeEvent(Operation.CREATE, t.table(), t.key(after), Optional.empty(), Optional.of(after),
                commitTime, xid, position, 0, Map.of()));
    }

    @Override
    public void update(int relation, char oldKind, Object[] oldTuple, Object[] newTuple) throws Exception {
        CapturedTable t = table(relation);
        if (t == null) {
            return;
        }
        Position position = nextFor(t.table());
        if (position == null) {
            return;
        }
        Row after = t.row(newTuple);
        Row before = oldKind == 'O' ? t.row(oldTuple) : oldKind == 'K' ? t.key(oldTuple) : null;
        emit(new ChangeEvent(Operation.UPDATE, t.table(), t.key(after), Optional.ofNullable(before),
                Optional.of(after), commitTime, xid, position, 0, Map.of()));
    }

    @Override
    public void delete(int relation, char oldKind, Object[] oldTuple) throws Exception {
        CapturedTable t = table(relation);
        if (t == null) {
            return;
        }
        Position position = nextFor(t.table());
        if (position == null) {
            return;
        }
        Row before = oldKind == 'O' ? t.row(oldTuple) : t.key(oldTuple);
        emit(new ChangeEvent(Operation.DELETE, t.table(), t.key(oldTuple), Optional.of(before), Optional.empty(),
                commitTime, xid, position, 0, Map.of()));
    }

    @Override
    public void truncate(int[] rels, boolean cascade, boolean restartIdentity) throws Exception {
        for (int relation : rels) {
            CapturedTable t = table(relation);
            if (t == null) {
                continue;
            }
            Position position = nextFor(t.table());
            if (position != null) {
                emit(new ChangeEvent(Operation.TRUNCATE, t.table(), Row.empty(), Optional.empty(), Optional.empty(),
                        commitTime, xid, position, 0, Map.of()));
            }
        }
    }

    @Override
    public void message(boolean transactional, long lsn, String prefix, byte[] content) throws Exception {
        Position position;
        Instant time;
        if (transactional && inTransaction) {
            position = next();
            time = commitTime;
        } else {
            // a non-transactional message has its own LSN and no transaction
            position = isSkipped(lsn, 1) ? null : position(lsn, 1);
            time = Instant.now();
        }
        // a reserved message still takes its index, so positions do not depend on the prefix filter
        if (position == null || !selected.test(MESSAGES) || InternalMessages.reserved(prefix)
                || !messagePrefixes.test(prefix)) {
            return;
        }
        Row row = Row.of("prefix", prefix, "content", new String(content, StandardCharsets.UTF_8),
                "transactional", transactional);
        emit(new ChangeEvent(Operation.CREATE, MESSAGES, Row.empty(), Optional.empty(), Optional.of(row), time,
                transactional ? xid : Optional.empty(), position, 0, Map.of("pg.message.prefix", prefix)));
    }

    private void emit(ChangeEvent event) throws Exception {
        events++;
        output.accept(event);
    }

    private CapturedTable table(int relation) {
        CapturedTable t = relations.get(relation);
        if (t == null) {
            throw new IllegalStateException("a change of relation " + Integer.toUnsignedString(relation)
                    + " came before its Relation message; the pgoutput stream is out of order");
        }
        return selected.test(t.table()) ? t : null;
    }

    /** The next data event's position in the transaction, or null when it is at or before the resume point. */
    private Position next() {
        int i = 2 * index++ + 1;
        if (isSkipped(commitLsn, i)) {
            return null;
        }
        return position(commitLsn, i);
    }

    /** The position of the i-th event of the transaction committing at {@code lsn}, with the change's LSN. */
    private Position position(long lsn, int i) {
        return PgPosition.stream(lsn, i, walStart, lastCommitWalStart, database);
    }

    private boolean isSkipped(long lsn, int i) {
        return Long.compareUnsigned(lsn, skipLsn) < 0 && skipLsn >= 0
                || lsn == skipLsn && i <= skipIndex;
    }

    /** Microseconds since 2000-01-01 UTC (PostgreSQL's epoch) as an Instant. */
    public static Instant instant(long pgMicros) {
        return Instant.ofEpochSecond(946_684_800L + Math.floorDiv(pgMicros, 1_000_000L),
                Math.floorMod(pgMicros, 1_000_000L) * 1000L);
    }
}
