package dev.cdc.source.postgres.decoding;

/**
 * What the {@link PgOutputDecoder} found. Tuples are arrays with one element per column: the
 * text value, {@code null} for SQL NULL, or {@link dev.cdc.api.event.Unchanged#VALUE} for an
 * unchanged TOAST value. Streamed transactions (protocol 2) reach the listener only when they
 * committed, as an ordinary begin ... commit, with aborted subtransactions left out.
 */
public interface PgOutputListener {

    /**
     * The WAL position of the message that follows (the XLogData's start: a change's own LSN, a
     * transaction's first LSN for Begin, its end for Commit). Called before each message.
     */
    default void walStart(long lsn) throws Exception {
    }

    void begin(long commitLsn, long commitTimeMicros, long xid) throws Exception;

    void commit(long commitLsn, long endLsn, long commitTimeMicros) throws Exception;

    void relation(RelationMessage relation) throws Exception;

    void insert(int relation, Object[] newTuple) throws Exception;

    /** {@code oldKind} is {@code 'K'} (key columns only), {@code 'O'} (the whole old row) or 0 (none sent). */
    void update(int relation, char oldKind, Object[] oldTuple, Object[] newTuple) throws Exception;

    void delete(int relation, char oldKind, Object[] oldTuple) throws Exception;

    void truncate(int[] relations, boolean cascade, boolean restartIdentity) throws Exception;

    /** A logical decoding message; {@code lsn} is its own LSN. */
    void message(boolean transactional, long lsn, String prefix, byte[] content) throws Exception;
}
