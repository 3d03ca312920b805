package dev.cdc.source.postgres.decoding;

import dev.cdc.jdbc.snapshot.backfill.Watermark;

/**
 * Takes the backfill watermarks (non-transactional logical messages with prefix
 * {@link Watermark#PREFIX}) out of the decoded stream and hands them, in log order, to the
 * source; everything else goes on to the next listener (the {@link EventAssembler}), which emits
 * no message with a prefix cdc reserves ({@link InternalMessages}: other pipelines' watermarks,
 * transactional ones, heartbeats).
 */
public final class WatermarkFilter implements PgOutputListener {

    /** Receives a watermark's text and its LSN. */
    @FunctionalInterface
    public interface Watermarks {
        void watermark(long lsn, String text) throws Exception;
    }

    private final PgOutputListener next;
    private final Watermarks watermarks;

    public WatermarkFilter(PgOutputListener next, Watermarks watermarks) {
        this.next = next;
        this.watermarks = watermarks;
    }

    @Override
    public void message(boolean transactional, long lsn, String prefix, byte[] content) throws Exception {
        if (!transactional && Watermark.PREFIX.equals(prefix)) {
            watermarks.watermark(lsn, new String(content, java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        next.message(transactional, lsn, prefix, content);
    }

    @Override
    public void walStart(long lsn) throws Exception {
        next.walStart(lsn);
    }

    @Override
    public void begin(long commitLsn, long commitTimeMicros, long xid) throws Exception {
        next.begin(commitLsn, commitTimeMicros, xid);
    }

    @Override
    public void commit(long commitLsn, long endLsn, long commitTimeMicros) throws Exception {
        next.commit(commitLsn, endLsn, commitTimeMicros);
    }

    @Override
    public void relation(RelationMessage relation) throws Exception {
        next.relation(relation);
    }

    @Override
    public void insert(int relation, Object[] newTuple) throws Exception {
        next.insert(relation, newTuple);
    }

    @Override
    public void update(int relation, char oldKind, Object[] oldTuple, Object[] newTuple) throws Exception {
        next.update(relation, oldKind, oldTuple, newTuple);
    }

    @Override
    public void delete(int relation, char oldKind, Object[] oldTuple) throws Exception {
        next.delete(relation, oldKind, oldTuple);
    }

    @Override
    public void truncate(int[] relations, boolean cascade, boolean restartIdentity) throws Exception {
        next.truncate(relations, cascade, restartIdentity);
    }
}
