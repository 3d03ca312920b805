package dev.cdc.sink.jdbc.write;

import dev.cdc.api.event.Row;
import dev.cdc.format.ValueJson;
import dev.cdc.sink.jdbc.dialect.Dialect;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetColumn;
import dev.cdc.sink.jdbc.table.TombstoneTable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the tombstone side table ({@link TombstoneTable}). Knows which target tables have
 * tombstones at all (read when the sink opens, kept up to date as it writes), so that a table that
 * never saw a delete costs no lookup. Used from the lane thread only.
 */
public final class Tombstones {

    /** Keys looked up per query. */
    private static final int LOOKUP_CHUNK = 500;
    private static final TargetColumn TEXT = new TargetColumn("text", "varchar", java.sql.Types.VARCHAR, 0, -1, true);
    private static final TargetColumn DELETED_AT = TargetColumn.named(TombstoneTable.DELETED_AT,
            "timestamp with time zone");

    private static final List<TargetColumn> COLUMNS = TombstoneTable.COLUMNS.stream()
            .map(c -> c.equals(TombstoneTable.DELETED_AT) ? DELETED_AT : TargetColumn.named(c, "varchar")).toList();

    private final Dialect dialect;
    private final TableRef table;
    private final String sortKeyColumn;
    private final Set<String> tablesWithTombstones = new HashSet<>();

    public Tombstones(Dialect dialect, TableRef table) {
        this.dialect = dialect;
        this.table = table;
        this.sortKeyColumn = TombstoneTable.SORT_KEY;
    }

    public TableRef table() {
        return table;
    }

    /** Reads which tables have tombstones, after removing those older than {@code cutoff}. */
    public void load(Session session, Instant cutoff) throws SQLException {
        purge(session, cutoff);
        tablesWithTombstones.clear();
        try (Statement st = session.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT DISTINCT " + dialect.quote(TombstoneTable.TABLE_NAME) + " FROM "
                     + dialect.qualified(table))) {
            while (rs.next()) {
                tablesWithTombstones.add(rs.getString(1));
            }
        }
        session.connection().commit();
    }

    /** Removes tombstones older than {@code cutoff}; commits. */
    public int purge(Session session, Instant cutoff) throws SQLException {
        PreparedStatement ps = session.prepare("DELETE FROM " + dialect.qualified(table) + " WHERE "
                + dialect.quote(TombstoneTable.DELETED_AT) + " < ?");
        dialect.bind(ps, 1, cutoff, DELETED_AT);
        int n = ps.executeUpdate();
        session.connection().commit();
        return n;
    }

    /** A table was renamed (its tombstones with it, by the migration's UPDATE). */
    public void renamed(String from, String to) {
        if (tablesWithTombstones.remove(from)) {
            tablesWithTombstones.add(to);
        }
    }

    public boolean any(String targetTable) {
        return tablesWithTombstones.contains(targetTable);
    }

    /** The stored sort key per key hash (and {@link TombstoneTable#WHOLE_TABLE} for a truncate) among {@code hashes}. */
    public Map<String, String> lookUp(Session session, String targetTable, Collection<String> hashes) throws SQLException {
        Map<String, String> found = new HashMap<>();
        List<String> all = new ArrayList<>(hashes);
        all.add(TombstoneTable.WHOLE_TABLE);
        for (int from = 0; from < all.size(); from += LOOKUP_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + LOOKUP_CHUNK));
            String sql = "SELECT " + dialect.quote(TombstoneTable.KEY_HASH) + ", " + dialect.quote(sortKeyColumn)
                    + " FROM " + dialect.qualified(table) + " WHERE " + dialect.quote(TombstoneTable.TABLE_NAME)
                    + " = ? AND " + dialect.quote(TombstoneTable.KEY_HASH) + " IN ("
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")";
            PreparedStatement ps = session.prepare(sql);
            dialect.bind(ps, 1, targetTable, TEXT);
            for (int i = 0; i < chunk.size(); i++) {
                dialect.bind(ps, i + 2, chunk.get(i), TEXT);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return found;
    }

    /** Records deletes (or a truncate): key hash, key JSON and sort key each; a newer stored tombstone wins. */
    public void record(Session session, String targetTable, List<String[]> hashKeySortKey, Instant now)
            throws SQLException {
        if (hashKeySortKey.isEmpty()) {
            return;
        }
        int width = TombstoneTable.COLUMNS.size();
        int perStatement = Math.max(1, Math.min(500, dialect.maxBindParameters() / width));
        for (int from = 0; from < hashKeySortKey.size(); from += perStatement) {
            List<String[]> chunk = hashKeySortKey.subList(from, Math.min(hashKeySortKey.size(), from + perStatement));
            PreparedStatement ps = session.prepare(dialect.upsert(table, COLUMNS, TombstoneTable.KEY, sortKeyColumn,
                    chunk.size()));
            int p = 1;
            for (String[] t : chunk) {
                dialect.bind(ps, p++, targetTable, TEXT);
                dialect.bind(ps, p++, t[0], TEXT);
                dialect.bind(ps, p++, t[1], TEXT);
                dialect.bind(ps, p++, t[2], TEXT);
                dialect.bind(ps, p++, now, DELETED_AT);
            }
            ps.executeUpdate();
        }
        tablesWithTombstones.add(targetTable);
    }

    /** The hash a key is known by: SHA-256 of its JSON (values encoded as in the envelope). */
    public static String hash(Row key) {
        return sha256(ValueJson.ofRow(key));
    }

    public static String keyText(Row key) {
        return ValueJson.ofRow(key);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
