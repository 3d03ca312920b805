package dev.cdc.source.jdbc.catalog;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.TableId;
import dev.cdc.source.jdbc.dialect.Dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.sql.PreparedStatement;

/** Reads captured tables from the driver's metadata ({@link DatabaseMetaData}): any JDBC database. */
public final class Catalog {

    private final Connection connection;
    private final Dialect dialect;

    public Catalog(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /** Every table whose {@code namespace.name} matches one of the patterns (case-insensitively), in name order. */
    public List<TableId> matching(List<String> patterns) throws SQLException {
        List<Pattern> compiled = patterns.stream().map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE)).toList();
        List<TableId> out = new ArrayList<>();
        DatabaseMetaData md = connection.getMetaData();
        try (ResultSet rs = md.getTables(dialect.namespaceIsCatalog() ? connection.getCatalog() : null, null, "%",
                new String[] {"TABLE", "BASE TABLE"})) {
            while (rs.next()) {
                String ns = dialect.namespaceIsCatalog() ? rs.getString("TABLE_CAT") : rs.getString("TABLE_SCHEM");
                TableId id = TableId.of(ns == null ? "" : ns, rs.getString("TABLE_NAME"));
                if (compiled.stream().anyMatch(p -> p.matcher(id.toString()).matches())) {
                    out.add(id);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** The table as the catalog describes it now; empty when it does not exist. */
    public Optional<JdbcTable> read(TableId id) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String catalog = dialect.namespaceIsCatalog() ? id.namespace() : null;
        String schema = dialect.namespaceIsCatalog() ? null : id.namespace();
        List<JdbcColumn> columns = new ArrayList<>();
        try (ResultSet rs = md.getColumns(catalog, schema, escape(md, id.name()), "%")) {
            TreeMap<Integer, JdbcColumn> byPosition = new TreeMap<>();
            while (rs.next()) {
                if (!id.name().equals(rs.getString("TABLE_NAME"))) {
                    continue;
                }
                String typeName = rs.getString("TYPE_NAME");
                int type = rs.getInt("DATA_TYPE");
                byPosition.put(rs.getInt("ORDINAL_POSITION"), new JdbcColumn(rs.getString("COLUMN_NAME"),
                        JdbcTypes.logical(type, typeName, rs.getInt("COLUMN_SIZE"), rs.getInt("DECIMAL_DIGITS")), type,
                        typeName, rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls));
            }
            columns.addAll(byPosition.values());
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        TreeMap<Integer, String> key = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(catalog, schema, id.name())) {
            while (rs.next()) {
                key.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return Optional.of(new JdbcTable(id, columns, List.copyOf(key.values()), OptionalLong.empty()));
    }

    /** The table's estimated row count from the statistics; -1 when the database does not say. */
    public long estimate(TableId id) {
        Optional<String> sql = dialect.estimateQuery();
        if (sql.isEmpty()) {
            return -1;
        }
        try (PreparedStatement st = connection.prepareStatement(sql.get())) {
            st.setString(1, id.namespace());
            st.setString(2, id.name());
            try (ResultSet rs = st.executeQuery()) {
                long n = rs.next() ? rs.getLong(1) : -1;
                return rs.wasNull() || n < 0 ? -1 : n;
            }
        } catch (SQLException e) {
            return -1; // an estimate only: progress without one
        }
    }

    /** The table, which must exist and have a primary key. */
    public JdbcTable require(TableId id, String forWhat) throws SQLException {
        JdbcTable t = read(id).orElseThrow(() -> new CdcException("table " + id + " does not exist (any more)"));
        if (t.primaryKey().isEmpty()) {
            throw new CdcException("table " + id + " has no primary key, which " + forWhat + " needs to address its"
                    + " rows; add one (ALTER TABLE " + dialect.qualified(id) + " ADD PRIMARY KEY (...)) or leave the"
                    + " table out of 'tables'");
        }
        return t;
    }

    private static String escape(DatabaseMetaData md, String name) throws SQLException {
        String e = md.getSearchStringEscape();
        if (e == null || e.isEmpty()) {
            return name;
        }
        return name.replace(e, e + e).replace("_", e + "_").replace("%", e + "%");
    }
}
