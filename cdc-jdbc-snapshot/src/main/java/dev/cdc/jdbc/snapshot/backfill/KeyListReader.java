package dev.cdc.jdbc.snapshot.backfill;

import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.jdbc.snapshot.ReadRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the rows of an explicit list of keys ({@code WHERE (k1, k2) IN ((?, ?), ...)}, or its
 * expansion where the dialect has no row values) and tells which keys the table no longer holds.
 * A key is found when the text the database prints for the row's key columns equals the text
 * asked for, so keys are given in the form a snapshot's resume point keeps them. Stateless.
 */
public final class KeyListReader {

    /** The rows found, in key order, and the keys asked for that were not. */
    public record Result(List<ReadRow> found, List<List<String>> absent) {
    }

    private KeyListReader() {
    }

    static String sql(KeysetTable t, int keys) {
        List<String> k = t.keyColumns();
        List<String> p = t.keyParameters();
        StringBuilder sql = new StringBuilder("SELECT ").append(t.selectList()).append(" FROM ").append(t.from())
                .append(" WHERE ");
        if (k.size() == 1 || t.syntax().rowValues()) {
            String one = k.size() == 1 ? p.get(0) : "(" + String.join(", ", p) + ")";
            sql.append(k.size() == 1 ? k.get(0) : "(" + String.join(", ", k) + ")").append(" IN (");
            for (int i = 0; i < keys; i++) {
                sql.append(i == 0 ? "" : ", ").append(one);
            }
            sql.append(')');
        } else {
            List<String> terms = new ArrayList<>();
            List<String> equals = new ArrayList<>();
            for (int j = 0; j < k.size(); j++) {
                equals.add(k.get(j) + " = " + p.get(j));
            }
            String one = "(" + String.join(" AND ", equals) + ")";
            for (int i = 0; i < keys; i++) {
                terms.add(one);
            }
            sql.append('(').append(String.join(" OR ", terms)).append(')');
        }
        return sql.append(" ORDER BY ").append(String.join(", ", k)).toString();
    }

    /** Reads the rows of {@code keys} (each one text per key column, in key order). */
    public static Result read(Connection connection, KeysetTable t, List<List<String>> keys) throws SQLException {
        if (!t.hasKey()) {
            throw new IllegalArgumentException("table " + t.table() + " has no primary key: keys cannot be listed");
        }
        if (keys.isEmpty()) {
            return new Result(List.of(), List.of());
        }
        int columns = t.keyColumns().size();
        List<ReadRow> found = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(sql(t, keys.size()))) {
            int parameter = 1;
            for (List<String> key : keys) {
                if (key.size() != columns) {
                    throw new IllegalArgumentException("key " + key + " of table " + t.table() + " has " + key.size()
                            + " values; its primary key has " + columns + " columns " + t.keyColumns());
                }
                for (int j = 0; j < columns; j++) {
                    t.binder().bind(st, parameter++, j, key.get(j));
                }
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    found.add(t.rows().read(rs));
                }
            }
        }
        Set<List<String>> seen = new HashSet<>();
        for (ReadRow r : found) {
            seen.add(Arrays.asList(r.keys()));
        }
        return new Result(found, keys.stream().filter(k -> !seen.contains(k)).toList());
    }
}
