package dev.cdc.source.postgres.catalog;

import dev.cdc.api.event.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads tables from {@code pg_class}, {@code pg_attribute} and {@code pg_index}. Source thread only. */
public final class TableCatalog {

    private static final String TABLE = "SELECT c.oid, n.nspname, c.relname, c.relreplident, c.reltuples::bigint"
            + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.oid = ?";
    private static final String COLUMNS = "SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull,"
            + " pg_catalog.format_type(a.atttypid, a.atttypmod), pg_catalog.pg_get_expr(d.adbin, d.adrelid),"
            + " a.attnum, a.attisdropped, a.attgenerated <> ''"
            + " FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d"
            + " ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            + " WHERE a.attrelid = ? AND a.attnum > 0 ORDER BY a.attnum";
    private static final String PRIMARY_KEY = "SELECT a.attname FROM pg_catalog.pg_index i"
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            + " WHERE i.indrelid = ? AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)";
    private static final String ALL_TABLES = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2";

    private final Connection connection;

    public TableCatalog(Connection connection) {
        this.connection = connection;
    }

    /** The table of this oid, if it still exists. */
    public Optional<CatalogTable> find(int oid) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(TABLE)) {
            st.setLong(1, oid & 0xffffffffL);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                TableId id = TableId.of(rs.getString(2), rs.getString(3));
                List<CatalogColumn> columns = new ArrayList<>();
                List<Integer> dropped = new ArrayList<>();
                columns(oid, columns, dropped);
                return Optional.of(new CatalogTable(id, oid, columns, primaryKey(oid), rs.getString(4).charAt(0),
                        rs.getLong(5), dropped, columnList(oid)));
            }
        }
    }

    /** The table of this name, if it exists. */
    public Optional<CatalogTable> find(TableId table) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relname = ?")) {
            st.setString(1, table.namespace().isEmpty() ? "public" : table.namespace());
            st.setString(2, table.name());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? find((int) rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * The user tables whose {@code schema.name} matches one of the patterns (regular expressions,
     * matched against the whole name; a name without a schema means {@code public}), sorted.
     */
    public List<TableId> matching(List<String> patterns) throws SQLException {
        List<Pattern> compiled = patterns.stream().map(p -> Pattern.compile(p.contains(".") ? p : "public\\." + p))
                .toList();
        List<TableId> out = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(ALL_TABLES); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                TableId id = TableId.of(rs.getString(1), rs.getString(2));
                String full = id.namespace() + "." + id.name();
                if (compiled.stream().anyMatch(p -> p.matcher(full).matches())) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    /** Adds the table's live columns to {@code out} and the attnums of its dropped ones to {@code dropped}. */
    private void columns(int oid, List<CatalogColumn> out, List<Integer> dropped) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(COLUMNS)) {
            st.setLong(1, oid & 0xffffffffL);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(8)) {
                        dropped.add(rs.getInt(7));
                    } else {
                        out.add(new CatalogColumn(rs.getString(1), (int) rs.getLong(2), rs.getInt(3), rs.getBoolean(4),
                                rs.getString(5), Optional.ofNullable(rs.getString(6)), rs.getInt(7),
                                rs.getBoolean(9)));
                    }
                }
            }
        }
    }

    /**
     * Waits until transaction {@code xid} (32 bits, as in pgoutput's Begin message) is no longer in
     * progress for this connection's snapshots, so that what it changed in the catalog is seen;
     * false when it still is after {@code timeout} (or on PostgreSQL before 13). A snapshot sees
     * {@code xid} when it is below the snapshot's {@code xmax} and not in its in-progress list: the
     * newest transaction of the server, still running, is at or above {@code xmax} and in no list.
     */
    public boolean awaitVisible(long xid, java.time.Duration timeout) throws SQLException, InterruptedException {
        if (connection.getMetaData().getDatabaseMajorVersion() < 13) {
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long xid32 = xid & 0xffffffffL;
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_catalog.pg_snapshot_xmax(s)::text::bigint,"
                + " (SELECT count(*) FROM pg_catalog.pg_snapshot_xip(s) x WHERE x::text::bigint % 4294967296 = ?)"
                + " FROM pg_catalog.pg_current_snapshot() s")) {
            st.setLong(1, xid32);
            while (true) {
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    // 32-bit xids compare modulo 2^32, as PostgreSQL's TransactionIdPrecedes does
                    boolean belowXmax = (int) (xid32 - (rs.getLong(1) & 0xffffffffL)) < 0;
                    if (belowXmax && rs.getLong(2) == 0) {
                        return true;
                    }
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(2);
            }
        }
    }

    /** Whether a publication lists only some of the table's columns ({@code prattrs}, PostgreSQL 15+). */
    private boolean columnList(int oid) throws SQLException {
        if (connection.getMetaData().getDatabaseMajorVersion() < 15) {
            return false;
        }
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_publication_rel WHERE prrelid = ? AND prattrs IS NOT NULL")) {
            st.setLong(1, oid & 0xffffffffL);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private List<String> primaryKey(int oid) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(PRIMARY_KEY)) {
            st.setLong(1, oid & 0xffffffffL);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
