package dev.cdc.source.jdbc;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.testkit.assertion.CanonicalRows;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The state a key-value sink ends in after applying events in order, and the same view of a real table. */
final class SinkState {

    private SinkState() {
    }

    /** id -> "name|amount" after applying the events (of one table) in order; a delete removes the id. */
    static Map<Long, String> apply(List<ChangeEvent> events) {
        Map<Long, String> state = new TreeMap<>();
        for (ChangeEvent e : events) {
            long id = ((Number) e.key().get("id")).longValue();
            if (e.operation() == Operation.DELETE) {
                state.remove(id);
            } else {
                state.put(id, e.after().orElseThrow().get("name") + "|" + amount(e.after().orElseThrow().get("amount")));
            }
        }
        return state;
    }

    /** The same view of the table, read now; {@code where} filters (e.g. soft deletes), may be empty. */
    static Map<Long, String> read(TestDb db, String table, String where) throws Exception {
        Map<Long, String> state = new TreeMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + db.q("id") + ", " + db.q("name") + ", " + db.q("amount")
                     + " FROM " + table + (where.isEmpty() ? "" : " WHERE " + where))) {
            while (rs.next()) {
                state.put(rs.getLong(1), rs.getString(2) + "|" + amount(rs.getBigDecimal(3)));
            }
        }
        return state;
    }

    private static String amount(Object v) {
        return v == null ? "null" : String.valueOf(CanonicalRows.canonical(v instanceof BigDecimal b ? b : v));
    }
}
