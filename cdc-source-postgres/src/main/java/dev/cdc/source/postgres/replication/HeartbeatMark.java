package dev.cdc.source.postgres.replication;

import dev.cdc.source.postgres.position.PgPosition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The durable note that lets a heartbeat move the slot past the checkpoint. The slot's
 * {@code confirmed_flush_lsn} otherwise never passes the engine's checkpoint (a slot ahead of it
 * means changes were skipped, {@link SlotPlanner} refuses it); on an idle captured table the
 * checkpoint does not move (heartbeats are no events), so the slot would hold WAL forever. When
 * every emitted event is acknowledged, the source first notes here "nothing captured between
 * checkpoint {@code (lsn, index)} and {@code upTo}", then confirms up to {@code upTo}; at the next
 * start a slot ahead of the checkpoint by at most the noted {@code upTo}, for that very checkpoint,
 * is accepted.
 *
 * <p>The note is a line {@code cdc-heartbeat <slot> <lsn>:<index> <upTo>} in the publication's
 * comment (durable, transactional, no table of cdc's; needs the publication's owner, which the
 * source is when it created it). Other lines of the comment are kept.
 */
public final class HeartbeatMark {

    private static final String TAG = "cdc-heartbeat";

    private final String publication;
    private final String slot;

    public HeartbeatMark(String publication, String slot) {
        this.publication = publication;
        this.slot = slot;
    }

    /** Notes that nothing captured lies between the checkpoint ({@code lsn}, {@code index}) and {@code upTo}. */
    public void record(Connection c, long lsn, int index, long upTo) throws SQLException {
        List<String> lines = new ArrayList<>();
        for (String line : comment(c).orElse("").split("\n")) {
            if (!line.isBlank() && !line.startsWith(prefix())) {
                lines.add(line);
            }
        }
        lines.add(prefix() + PgPosition.formatLsn(lsn) + ":" + index + " " + PgPosition.formatLsn(upTo));
        String text = String.join("\n", lines).replace("'", "''");
        try (Statement st = c.createStatement()) {
            st.execute("COMMENT ON PUBLICATION \"" + publication.replace("\"", "\"\"") + "\" IS '" + text + "'");
        }
    }

    /** Whether a slot at {@code confirmed} may resume the checkpoint ({@code lsn}, {@code index}). */
    public boolean covers(Connection c, long lsn, int index, long confirmed) throws SQLException {
        String start = prefix() + PgPosition.formatLsn(lsn) + ":" + index + " ";
        for (String line : comment(c).orElse("").split("\n")) {
            if (line.startsWith(start)) {
                long upTo = PgPosition.parseLsn(line.substring(start.length()).trim());
                return Long.compareUnsigned(confirmed, upTo) <= 0;
            }
        }
        return false;
    }

    private String prefix() {
        return TAG + " " + slot + " ";
    }

    private Optional<String> comment(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT obj_description(oid, 'pg_publication')"
                + " FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            st.setString(1, publication);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
