package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.event.Position;
import dev.cdc.source.jdbc.dialect.Dialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MariaDB and H2: ids are handed out at insert time but become visible at commit, so the log is
 * read strictly in id order, and a missing id (a gap before later, visible ids) stops the reader
 * until it is resolved: filled by a commit, or proven free by {@link GapProbe} (no transaction
 * holds it) twice, {@code gap-confirm} apart, and then skipped as rolled back. A transaction that
 * holds an id is waited for however long it runs (logged every 30 s): rows are delayed, never
 * skipped.
 *
 * <p>A position is the id of its row ({@code id}: every id up to it is delivered or skipped), and
 * after a snapshot the ids visible in it ({@code skip}: they are in the snapshot already); its
 * sort key {@code hex16(id) + 00000001}.
 */
final class GapReader implements LogReader {

    private static final Logger LOG = LoggerFactory.getLogger(GapReader.class);

    private final Dialect dialect;
    private final String log;
    private final GapProbe probe;
    private final Duration confirm;
    private final boolean utcLocal;
    private long cursor;
    private IdRanges skip;
    /** Gaps found free once: start -> (end, when). */
    private final Map<Long, long[]> freeSince = new HashMap<>();
    private long waitingSince;
    private long waitingFor = -1;

    GapReader(Dialect dialect, String log, GapProbe probe, Duration confirm, long cursor, IdRanges skip) {
        this.dialect = dialect;
        this.log = log;
        this.probe = probe;
        this.confirm = confirm;
        this.utcLocal = dialect.name().equals("mariadb");
        this.cursor = cursor;
        this.skip = skip;
    }

    static GapReader resume(Dialect dialect, String log, GapProbe probe, Duration confirm, Map<String, String> o) {
        return new GapReader(dialect, log, probe, confirm, Long.parseLong(o.get("id")),
                IdRanges.parse(o.getOrDefault("skip", "")));
    }

    @Override
    public List<Item> read(Connection c, int limit) throws SQLException {
        List<ChangeRow> rows = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT " + ChangeRow.columns(dialect::quote) + " FROM " + log
                + " WHERE " + dialect.quote("id") + " > ? ORDER BY " + dialect.quote("id") + " LIMIT " + limit)) {
            st.setLong(1, cursor);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(ChangeRow.read(rs, utcLocal));
                }
            }
        }
        List<Item> out = new ArrayList<>();
        for (ChangeRow row : rows) {
            if (row.id() > cursor + 1 && !resolveGap(c, cursor + 1, row.id() - 1)) {
                break;
            }
            cursor = row.id();
            skip = skip.above(cursor);
            if (!skip.contains(row.id()) && !skipped(row)) {
                out.add(new Item(row, position()));
            }
        }
        return out;
    }

    /** True when the gap is filled by nothing and may be passed. */
    private boolean resolveGap(Connection c, long from, long to) throws SQLException {
        if (skip.containsAll(from, to)) {
            return true; // visible in the snapshot but removed since: covered
        }
        GapProbe.State state = probe.probe(c, from, to);
        long now = System.nanoTime();
        if (state != GapProbe.State.FREE) {
            freeSince.remove(from);
            if (state == GapProbe.State.BUSY) {
                if (waitingFor != from) {
                    waitingFor = from;
                    waitingSince = now;
                } else if (now - waitingSince > Duration.ofSeconds(30).toNanos()) {
                    LOG.info("change-log ids {}..{} are held by a transaction that is still running (for {} s);"
                            + " later changes wait for it", from, to, Duration.ofNanos(now - waitingSince).toSeconds());
                    waitingSince = now;
                }
            }
            return false;
        }
        long[] seen = freeSince.get(from);
        if (seen == null || seen[0] != to) {
            freeSince.put(from, new long[] {to, now});
            return false;
        }
        if (now - seen[1] < confirm.toNanos()) {
            return false;
        }
        freeSince.remove(from);
        LOG.debug("change-log ids {}..{} are held by no transaction: rolled back, skipped", from, to);
        return true;
    }

    /** Placeholder rows a probe might have left are never changes. */
    private static boolean skipped(ChangeRow row) {
        return "-".equals(row.op());
    }

    private Position position() {
        Map<String, String> o = new HashMap<>(4);
        writeStart(o);
        return Position.of(o, Position.sortKeyOf(cursor) + "00000001");
    }

    @Override
    public Position schemaPosition(Position row) {
        return Position.of(row.offsets(), LogReader.before(row.sortKey()));
    }

    /** Chunk events take the slots 3, 5, ... of the watermark row's own id: no change has that id. */
    @Override
    public Position chunkPosition(Position watermark, long reserved, int i) {
        return Position.of(watermark.offsets(), LogReader.sortKey(Long.parseLong(watermark.offsets().get("id")),
                2L * i + 3));
    }

    @Override
    public void writeStart(Map<String, String> offsets) {
        offsets.put("id", Long.toString(cursor));
        if (!skip.isEmpty()) {
            offsets.put("skip", skip.toString());
        }
    }

    @Override
    public String snapshotSortPrefix() {
        return Position.sortKeyOf(cursor);
    }

    @Override
    public Delete covered(Position p) {
        return new Delete(dialect.quote("id") + " <= ?", List.of(Long.parseLong(p.offsets().get("id"))));
    }
}
