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
 * ranks stay below 2^20 for the Elasticsearch sink's default version layout.
 *
 * <p>Each batch's bounds are recorded ({@code <log>_batches}) before its first row is emitted, so a
 * restart reads the same batches again and a replayed row keeps its position.
 *
 * <p>Handover after a snapshot: rows of transactions visible in the snapshot ({@code snap}, the
 * snapshot's {@code pg_current_snapshot()}) are skipped with {@code pg_visible_in_snapshot}
 * until the batches pass its {@code xmax}.
 */
final class HorizonReader implements LogReader {

    static final int MAX_BATCH_ROWS = 1 << 19;

    private final Dialect dialect;
    private final String log;
    private final String batches;
    private long lo;
    private long hi;
    private long lastId;
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
            if (h < 0) {
                long x = xmin(c);
                if (x <= hi) {
                    return List.of();
                }
                h = batchEnd(c, hi, x);
                record(c, hi, h);
            }
            lo = hi;
            hi = h;
            lastId = 0;
            rank = 0;
            exhausted = false;
            if (snap != null && lo >= Long.parseLong(snap.split(":")[1])) {
                snap = null; // every later transaction is invisible to the snapshot
            }
        }
        String sql = "SELECT " + ChangeRow.columns(dialect::quote) + " FROM " + log
                + " WHERE txid >= ? AND txid < ? AND id > ?"
                + (snap == null ? "" : " AND NOT pg_visible_in_snapshot(txid::text::xid8, ?::pg_snapshot)")
                + " ORDER BY id LIMIT " + limit;
        List<Item> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, lo);
            st.setLong(2, hi);
            st.setLong(3, lastId);
            if (snap != null) {
                st.setString(4, snap);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ChangeRow row = ChangeRow.read(rs, false);
                    lastId = row.id();
                    rank++;
                    out.add(new Item(row, position()));
                }
            }
        }
        exhausted = out.size() < limit;
        return out;
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

    private Position position() {
        Map<String, String> o = new HashMap<>(8);
        writeStart(o);
        o.put("id", Long.toString(lastId));
        o.put("r", Long.toString(rank));
        return Position.of(o, Position.sortKeyOf(hi) + LogReader.hex8(2 * rank + 1));
    }

    @Override
    public Position schemaPosition(Position row) {
        return Position.of(row.offsets(), LogReader.before(row.sortKey()));
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
