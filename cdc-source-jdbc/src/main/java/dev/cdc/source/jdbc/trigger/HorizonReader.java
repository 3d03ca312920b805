package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.event.Position;
import dev.cdc.source.jdbc.dialect.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL: reads only rows of transactions below the oldest running one. The trigger records
 * each row's top-level transaction id ({@code pg_current_xact_id()}); a transaction id below
 * {@code pg_snapshot_xmin(pg_current_snapshot())} belongs to a finished transaction, whose rows
 * are all visible and can never change. So the log is read in batches of finished transactions
 * {@code [lo, hi)}, each in change-log id order: a transaction that took id 10 but commits after
 * the one that took id 11 is read in the batch its commit falls into, never skipped.
 *
 * <p>Two changes of one row are ordered in every batching: the later one's transaction waited
 * for the earlier one's row lock, so it took a greater id, and it cannot finish before it. A
 * position is {@code lo}, {@code hi}, the row's {@code id} and its rank {@code r} in the batch;
 * the sort key {@code hex16(hi) + hex8(2r + 1)}. A batch holds at most {@value #MAX_BATCH_ROWS}
 * rows unless one transaction alone has more (the batch ends at a smaller transaction id), so
 * ranks stay below 2^20 for the Elasticsearch sink's default version layout. A backfill's high
 * watermark row reserves the ranks after its own for its chunk's events (at most
 * {@code backfill-chunk-size}, and one such row per batch: the next chunk starts after it was read).
 *
 * <p>Each batch's bounds are recorded ({@code <log>_batches}) before its first row is emitted, so a
 * restart reads the same batches again and a replayed row keeps its position.
 *
 * <p>Handover after a snapshot: rows of transactions visible in the snapshot ({@code snap}, the
 * snapshot's {@code txid_current_snapshot()}) are skipped (as {@code pg_visible_in_snapshot} would)
 * until the batches pass its {@code xmax}.
 *
 * <p>A batch is read as a primary-key range (its transactions' smallest to greatest id, found
 * through the {@code txid} index), filtering the rows of other transactions, so the database never
 * sorts, however stale the change log's statistics.
 */
final class HorizonReader implements LogReader {

    /** 2^19 less room for one high watermark's chunk (backfill-chunk-size is at most 100,000): ranks stay below 2^19. */
    static final int MAX_BATCH_ROWS = (1 << 19) - (1 << 17);
    /** The offsets that differ between the rows of a batch. */
    private static final String[] ROW_OFFSETS = {"id", "r"};

    private final Dialect dialect;
    private final String log;
    private final String batches;
    private long lo;
    private long hi;
    private long lastId;
    /** The greatest change-log id of the batch (its reads are a primary-key range). */
    private long maxId = Long.MAX_VALUE;
    private long rank;
    private String snap;
    private boolean exhausted;

    private HorizonReader(Dialect dialect, String log, long lo, long hi, long lastId, long rank, String snap,
                          boolean exhausted) {
        this.dialect = dialect;
        this.log = log;
        this.batches = log.substring(0, log.length() - 1) + "_batches\"";
        this.lo = lo;
        this.hi = hi;
        this.lastId = lastId;
        this.rank = rank;
        this.snap = snap;
        this.exhausted = exhausted;
    }

    /** Streaming from now: transactions finished before are left out. */
    static HorizonReader fromNow(Dialect dialect, String log, Connection c) throws SQLException {
        long x = xmin(c);
        return new HorizonReader(dialect, log, x, x, 0, 0, null, true);
    }

    /** Streaming after a snapshot: {@code snapshot} is its {@code pg_current_snapshot()} text. */
    static HorizonReader afterSnapshot(Dialect dialect, String log, String snapshot) {
        long x = Long.parseLong(snapshot.substring(0, snapshot.indexOf(':')));
        return new HorizonReader(dialect, log, x, x, 0, 0, snapshot, true);
    }

    /** Resuming after a position (streamed, or a snapshot position's start). */
    static HorizonReader resume(Dialect dialect, String log, Map<String, String> o) {
        boolean streamed = o.containsKey("r");
        return new HorizonReader(dialect, log, Long.parseLong(o.get("lo")), Long.parseLong(o.get("hi")),
                streamed ? Long.parseLong(o.get("id")) : 0, streamed ? Long.parseLong(o.get("r")) : 0, o.get("snap"),
                !streamed);
    }

    private static long xmin(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public List<Item> read(Connection c, int limit) throws SQLException {
        if (exhausted) {
            long h = recordedBatchAfter(c, hi);
            long[] ids = null;
            if (h < 0) {
                long x = xmin(c);
                if (x <= hi) {
                    return List.of();
                }
                long[] span = idRange(c, hi, x);
                // fewer ids between its first and last row than a batch may hold: no need to count
                boolean small = span[0] == Long.MAX_VALUE || span[1] - span[0] < MAX_BATCH_ROWS;
                h = small ? x : batchEnd(c, hi, x);
                record(c, hi, h);
                ids = small ? span : null;
            }
            lo = hi;
            hi = h;
            if (ids == null) {
                ids = idRange(c, lo, hi);
            }
            lastId = ids[0] - 1;
            maxId = ids[1];
            if (ids[0] == Long.MAX_VALUE) {
                exhausted = true; // no row in this batch
                return List.of();
            }
            rank = 0;
            exhausted = false;
            if (snap != null && lo >= Long.parseLong(snap.split(":")[1])) {
                snap = null; // every later transaction is invisible to the snapshot
            }
        }
        // a primary-key range in id order (never a sort, whatever the statistics say); the batch's
        // transactions and the snapshot's visibility are filtered here
        String sql = "SELECT " + ChangeRow.columns(dialect::quote) + " FROM " + log
                + " WHERE id > ? AND id <= ? ORDER BY id LIMIT " + limit;
        Map<String, String> start = new HashMap<>(8);
        writeStart(start);
        start.put("id", "");
        start.put("r", "");
        Position base = Position.of(start, "");
        Snapshot visible = snap == null ? null : Snapshot.parse(snap);
        List<Item> out = new ArrayList<>();
        if (maxId == Long.MAX_VALUE) {
            maxId = idRange(c, lo, hi)[1]; // resumed inside a batch
            if (maxId == Long.MAX_VALUE) {
                exhausted = true;
                return List.of();
            }
        }
        try (PreparedStatement st = c.prepareStatement(sql)) {
            while (out.isEmpty() && !exhausted) {
                // a window of at most `limit` ids: small for any plan, however stale the statistics
                long upTo = maxId - lastId <= limit ? maxId : lastId + limit;
                st.setLong(1, lastId);
                st.setLong(2, upTo);
                int raw = 0;
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        raw++;
                        ChangeRow row = ChangeRow.read(rs, false);
                        lastId = row.id();
                        long txid = Long.parseLong(row.txid());
                        if (txid < lo || txid >= hi || visible != null && visible.sees(txid)) {
                            continue; // another batch's, or already in the snapshot
                        }
                        rank++;
                        String sortKey = LogReader.sortKey(hi, 2 * rank + 1);
                        out.add(new Item(row, base.withOffsets(ROW_OFFSETS, new String[] {Long.toString(lastId),
                                Long.toString(rank)}, sortKey)));
                        rank += LogReader.reserved(row); // a high watermark's chunk events take these ranks
                    }
                }
                if (raw < limit) {
                    lastId = upTo; // every id of the window was read: the missing ones are in no finished transaction
                    exhausted = upTo >= maxId;
                }
            }
        }
        return out;
    }

    /** A {@code pg_current_snapshot()}: {@code xmin:xmax:xip,...}; which transaction ids it sees as committed. */
    private record Snapshot(long xmin, long xmax, java.util.Set<Long> inProgress) {
        static Snapshot parse(String text) {
            String[] p = text.split(":", -1);
            java.util.Set<Long> xip = new java.util.HashSet<>();
            if (p.length > 2 && !p[2].isEmpty()) {
                for (String x : p[2].split(",")) {
                    xip.add(Long.parseLong(x));
                }
            }
            return new Snapshot(Long.parseLong(p[0]), Long.parseLong(p[1]), xip);
        }

        /** As {@code pg_visible_in_snapshot}: finished before the snapshot (rows of rolled-back ones are never read). */
        boolean sees(long txid) {
            return txid < xmin || txid < xmax && !inProgress.contains(txid);
        }
    }

    /**
     * The smallest and greatest change-log id of the transactions {@code [from, to)} (through the txid
     * index), so its reads are a primary-key range however stale the table's statistics are.
     */
    private long[] idRange(Connection c, long from, long to) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT min(id), max(id) FROM " + log
                + " WHERE txid >= ? AND txid < ?")) {
            st.setLong(1, from);
            st.setLong(2, to);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long min = rs.getLong(1);
                return rs.wasNull() ? new long[] {Long.MAX_VALUE, Long.MAX_VALUE} : new long[] {min, rs.getLong(2)};
            }
        }
    }

    /** The end of a batch chosen before (and so already partly delivered, maybe) that starts at {@code from}; -1: none. */
    private long recordedBatchAfter(Connection c, long from) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT hi FROM " + batches + " WHERE lo = ?")) {
            st.setLong(1, from);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Records a batch before any of its rows is emitted. */
    private void record(Connection c, long from, long to) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO " + batches + " (hi, lo) VALUES (?, ?)"
                + " ON CONFLICT (hi) DO NOTHING")) {
            st.setLong(1, to);
            st.setLong(2, from);
            st.executeUpdate();
        }
    }

    /** {@code x}, or a smaller transaction id so the batch from {@code from} holds at most MAX_BATCH_ROWS rows. */
    private long batchEnd(Connection c, long from, long x) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT txid FROM " + log
                + " WHERE txid >= ? AND txid < ? ORDER BY txid OFFSET " + MAX_BATCH_ROWS + " LIMIT 1")) {
            st.setLong(1, from);
            st.setLong(2, x);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return x;
                }
                long t = rs.getLong(1);
                return t == from ? from + 1 : t;
            }
        }
    }

    @Override
    public Position schemaPosition(Position row) {
        return Position.of(row.offsets(), LogReader.before(row.sortKey()));
    }

    /**
     * Chunk events take the ranks a high watermark row reserved after its own ({@code r + 1 + i}),
     * which the next row skips on every read of the batch (the number is in the row), and resume
     * where the next row would: after the reserved ranks.
     */
    @Override
    public Position chunkPosition(Position watermark, long reserved, int i) {
        long r = Long.parseLong(watermark.offsets().get("r"));
        long batch = Long.parseLong(watermark.offsets().get("hi"));
        return watermark.withOffset("r", Long.toString(r + reserved), LogReader.sortKey(batch, 2 * (r + 1 + i) + 1));
    }

    @Override
    public void writeStart(Map<String, String> offsets) {
        offsets.put("lo", Long.toString(lo));
        offsets.put("hi", Long.toString(hi));
        Optional.ofNullable(snap).ifPresent(s -> offsets.put("snap", s));
    }

    @Override
    public String snapshotSortPrefix() {
        return Position.sortKeyOf(lo);
    }

    /** Forgets the batch boundaries a checkpoint at {@code p} has passed. */
    void forgetBatches(Connection c, Position p) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("DELETE FROM " + batches + " WHERE hi <= ?")) {
            st.setLong(1, Long.parseLong(p.offsets().get("lo")));
            st.executeUpdate();
        }
    }

    @Override
    public Delete covered(Position p) {
        Map<String, String> o = p.offsets();
        if (!o.containsKey("r")) {
            return new Delete("txid < ?", List.of(Long.parseLong(o.get("lo"))));
        }
        return new Delete("(txid < ? OR (txid < ? AND id <= ?))", List.of(Long.parseLong(o.get("lo")),
                Long.parseLong(o.get("hi")), Long.parseLong(o.get("id"))));
    }
}
