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
import java.util.Optional;
import java.util.Set;

/**
 * Reads the rows of an explicit list of keys ({@code WHERE (k1, k2) IN ((?, ?), ...)}, or its
 * expansion where the dialect has no row values) and tells which keys the table no longer holds.
 * A key is found when the text the database prints for the row's key columns equals the text
 * asked for, so keys are given in the form a snapshot's resume point keeps them.
 *
 * <p>With a condition ({@code where}), in the same statement: a row of a listed key that the
 * condition does not accept (false or NULL) is neither found nor absent ({@link Result#outside}):
 * the key exists, so it must not be deleted, and it is outside the request, so it is not read.
 * A key the table does not hold at all is absent whatever the condition. Stateless.
 */
public final class KeyListReader {

    /**
     * The rows found (and accepted by the condition), in key order, the keys asked for that the
     * table does not hold, and how many listed keys exist but are outside the condition.
     */
    public record Result(List<ReadRow> found, List<List<String>> absent, int outside) {

        public Result(List<ReadRow> found, List<List<String>> absent) {
            this(found, absent, 0);
        }
    }

    private KeyListReader() {
    }

    static String sql(KeysetTable t, int keys) {
        return sql(t, keys, Optional.empty());
    }

    /** With a condition: one more column after the select list, 1 where the condition holds, else 0. */
    static String sql(KeysetTable t, int keys, Optional<String> where) {
        List<String> k = t.keyColumns();
        List<String> p = t.keyParameters();
        StringBuilder sql = new StringBuilder("SELECT ").append(t.selectList());
        where.ifPresent(w -> sql.append(", CASE WHEN (").append(w).append(") THEN 1 ELSE 0 END"));
        sql.append(" FROM ").append(t.from()).append(" WHERE ");
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
        return read(connection, t, keys, Optional.empty());
    }

    /**
     * Reads the rows of {@code keys} that {@code where} accepts (every row of them when empty); see
     * the class comment for the keys outside the condition.
     */
    public static Result read(Connection connection, KeysetTable t, List<List<String>> keys, Optional<String> where)
            throws SQLException {
        if (!t.hasKey()) {
            throw new IllegalArgumentException("table " + t.table() + " has no primary key: keys cannot be listed");
        }
        if (keys.isEmpty()) {
            return new Result(List.of(), List.of());
        }
        int columns = t.keyColumns().size();
        List<ReadRow> found = new ArrayList<>();
        Set<List<String>> seen = new HashSet<>();
        int outside = 0;
        try (PreparedStatement st = connection.prepareStatement(sql(t, keys.size(), where))) {
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
                int accepted = where.isPresent() ? rs.getMetaData().getColumnCount() : 0;
                while (rs.next()) {
                    ReadRow row = t.rows().read(rs);
                    seen.add(Arrays.asList(row.keys()));
                    if (accepted == 0 || rs.getInt(accepted) == 1) {
                        found.add(row);
                    } else {
                        outside++;
                    }
                }
            }
        }
        return new Result(found, keys.stream().filter(k -> !seen.contains(k)).toList(), outside);
    }
}
