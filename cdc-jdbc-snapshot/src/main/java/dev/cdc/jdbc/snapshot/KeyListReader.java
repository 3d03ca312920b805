package dev.cdc.jdbc.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the rows of a list of keys: {@code SELECT ... WHERE (key) IN ((?, ?), ...) ORDER BY key}
 * (or, where the dialect has no row values, {@code (k1 = ? AND k2 = ?) OR ...}), with the same
 * select list, casts and row decoding as {@link ChunkReader}, so a row read by key is the row a
 * snapshot chunk reads. Keys are text, one per key column. Stateless; the connection is the
 * caller's.
 */
public final class KeyListReader {

    /** At most this many keys go into one statement. */
    public static final int MAX_KEYS = 500;

    private KeyListReader() {
    }

    /** The statement for {@code count} keys. */
    public static String sql(KeysetTable t, int count) {
        if (!t.hasKey()) {
            throw new IllegalArgumentException("table " + t.table() + " has no primary key: its rows have no key to read by");
        }
        List<String> k = t.keyColumns();
        List<String> p = t.keyParameters();
        StringBuilder sql = new StringBuilder("SELECT ").append(t.selectList()).append(" FROM ").append(t.from())
                .append(" WHERE ");
        if (k.size() == 1) {
            sql.append(k.get(0)).append(" IN (");
            for (int i = 0; i < count; i++) {
                sql.append(i == 0 ? "" : ", ").append(p.get(0));
            }
            sql.append(')');
        } else if (t.syntax().rowValues()) {
            String tuple = "(" + String.join(", ", p) + ")";
            sql.append('(').append(String.join(", ", k)).append(") IN (");
            for (int i = 0; i < count; i++) {
                sql.append(i == 0 ? "" : ", ").append(tuple);
            }
            sql.append(')');
        } else {
            List<String> terms = new ArrayList<>();
            for (int c = 0; c < k.size(); c++) {
                terms.add(k.get(c) + " = " + p.get(c));
            }
            String term = "(" + String.join(" AND ", terms) + ")";
            sql.append('(');
            for (int i = 0; i < count; i++) {
                sql.append(i == 0 ? "" : " OR ").append(term);
            }
            sql.append(')');
        }
        return sql.append(" ORDER BY ").append(String.join(", ", k)).toString();
    }

    /**
     * Reads the rows of these keys (in statements of at most {@link #MAX_KEYS} keys) and hands
     * them to {@code out} in key order per statement; a key without a row gives nothing.
     *
     * @return how many rows were read
     */
    public static int read(Connection connection, KeysetTable t, List<List<String>> keys, ChunkReader.RowSink out)
            throws SQLException, InterruptedException {
        int n = 0;
        int columns = t.keyColumns().size();
        for (int from = 0; from < keys.size(); from += MAX_KEYS) {
            List<List<String>> part = keys.subList(from, Math.min(keys.size(), from + MAX_KEYS));
            try (PreparedStatement st = connection.prepareStatement(sql(t, part.size()))) {
                int parameter = 1;
                for (List<String> key : part) {
                    if (key.size() != columns) {
                        throw new IllegalArgumentException("key " + key + " of " + t.table() + " has " + key.size()
                                + " value(s) but the table's primary key has " + columns + " column(s)");
                    }
                    for (int c = 0; c < columns; c++) {
                        t.binder().bind(st, parameter++, c, key.get(c));
                    }
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.accept(t.rows().read(rs));
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
