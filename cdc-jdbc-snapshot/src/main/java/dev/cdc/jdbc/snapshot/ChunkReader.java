package dev.cdc.jdbc.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keyset reads of one table: a chunk is {@code SELECT ... WHERE (key) > (after) AND (key) <=
 * (upTo) AND (where) ORDER BY key LIMIT n}, never OFFSET, so each chunk costs the same however
 * deep into the table it is. Used by snapshots and (with a key range and a WHERE) by backfills
 * that re-read part of a table. A table without a primary key is read in one pass instead.
 * Stateless and thread-safe; the connection is the caller's.
 */
public final class ChunkReader {

    /** Receives the rows of a chunk, in key order. */
    @FunctionalInterface
    public interface RowSink {
        void accept(ReadRow row) throws SQLException, InterruptedException;
    }

    private ChunkReader() {
    }

    /**
     * The statement of one chunk; its parameters are the {@code after} keys, then the {@code upTo}
     * keys, each key column in order (twice where the expanded form needs them).
     */
    public static String sql(KeysetTable t, boolean after, boolean upTo, Optional<String> where, int limit) {
        StringBuilder sql = new StringBuilder("SELECT ").append(t.selectList()).append(" FROM ").append(t.from());
        List<String> conditions = new ArrayList<>();
        if (t.hasKey() && after) {
            conditions.add(compare(t, ">"));
        }
        if (t.hasKey() && upTo) {
            conditions.add("NOT (" + compare(t, ">") + ")");
        }
        where.ifPresent(w -> conditions.add("(" + w + ")"));
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        if (t.hasKey()) {
            sql.append(" ORDER BY ").append(String.join(", ", t.keyColumns()));
            sql.append(String.format(t.syntax().limitClause(), limit));
        }
        return sql.toString();
    }

    /** {@code (k1, k2) > (p1, p2)}, or its expansion {@code k1 > p1 OR (k1 = p1 AND k2 > p2)}. */
    private static String compare(KeysetTable t, String op) {
        List<String> k = t.keyColumns();
        List<String> p = t.keyParameters();
        if (t.syntax().rowValues() || k.size() == 1) {
            return k.size() == 1 ? k.get(0) + " " + op + " " + p.get(0)
                    : "(" + String.join(", ", k) + ") " + op + " (" + String.join(", ", p) + ")";
        }
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < k.size(); i++) {
            StringBuilder term = new StringBuilder("(");
            for (int j = 0; j < i; j++) {
                term.append(k.get(j)).append(" = ").append(p.get(j)).append(" AND ");
            }
            term.append(k.get(i)).append(" ").append(op).append(" ").append(p.get(i)).append(")");
            terms.add(term.toString());
        }
        return "(" + String.join(" OR ", terms) + ")";
    }

    /** How many parameters {@link #compare} uses for the keys once. */
    private static int[] parameterKeys(KeysetTable t) {
        int n = t.keyColumns().size();
        if (t.syntax().rowValues() || n == 1) {
            int[] keys = new int[n];
            for (int i = 0; i < n; i++) {
                keys[i] = i;
            }
            return keys;
        }
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                keys.add(j);
            }
        }
        return keys.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Reads one chunk of at most {@code limit} rows in the range (a table without a key: every
     * row, in one pass, ignoring the range and the limit) and hands them to {@code out}.
     *
     * @return how many rows were read: fewer than {@code limit} means the range is exhausted
     */
    public static int read(Connection connection, KeysetTable t, KeyRange range, Optional<String> where, int limit,
                           RowSink out) throws SQLException, InterruptedException {
        int keys = t.keyColumns().size();
        Optional<String[]> after = range.after().filter(k -> k.length == keys && keys > 0);
        Optional<String[]> upTo = range.upTo().filter(k -> k.length == keys && keys > 0);
        String sql = sql(t, after.isPresent(), upTo.isPresent(), where, limit);
        int n = 0;
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            if (!t.hasKey()) {
                st.setFetchSize(limit);
            }
            int parameter = 1;
            int[] order = parameterKeys(t);
            for (Optional<String[]> bound : List.of(after, upTo)) {
                if (bound.isPresent()) {
                    for (int k : order) {
                        t.binder().bind(st, parameter++, k, bound.get()[k]);
                    }
                }
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.accept(t.rows().read(rs));
                    n++;
                }
            }
        }
        return n;
    }
}
