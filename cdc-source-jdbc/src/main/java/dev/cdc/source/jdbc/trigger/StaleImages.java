package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.event.TableId;
import dev.cdc.source.jdbc.catalog.JdbcColumn;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.dialect.ChangeLogSql;
import dev.cdc.source.jdbc.dialect.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the triggers list the table's columns (MariaDB), a row written between an {@code ALTER
 * TABLE ... ADD COLUMN} and the replacement of the triggers reaches the change log without the new
 * column. Such an image gets the missing columns from the table as it is when the source reads
 * the change (after reading it, so every change of that row committed before is in the value, and
 * every one committed after comes later in the log and is emitted after it): the sink ends equal
 * to the table, and no value it holds is replaced by an older one at the end; only the new
 * column's intermediate values between the ALTER and the new triggers are not seen. A row gone
 * from the table gets NULLs (its delete follows in the log).
 *
 * <p>The source looks at the columns of every table in a read batch after reading it
 * ({@link #columnsNow}), so a column added before a change was written is known when it is emitted.
 */
final class StaleImages {

    private final Dialect dialect;
    private final ChangeLogSql sql;

    StaleImages(Dialect dialect, ChangeLogSql sql) {
        this.dialect = dialect;
        this.sql = sql;
    }

    /** The table's column names now, from a query that reads no row. */
    List<String> columnsNow(Connection c, TableId table) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT * FROM " + dialect.qualified(table) + " WHERE 1 = 0");
             ResultSet rs = st.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> out = new ArrayList<>(md.getColumnCount());
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add(md.getColumnName(i));
            }
            return out;
        }
    }

    /** The columns of {@code table} the image lacks. */
    static List<JdbcColumn> missing(Map<String, String> image, JdbcTable table) {
        if (image.size() >= table.columns().size() && Images.sameColumns(image, table)) {
            return List.of();
        }
        return table.columns().stream().filter(c -> !Images.has(image, c.name())).toList();
    }

    /** The row (by the key in {@code image}) as the triggers would write it now; empty when it is gone. */
    Optional<Map<String, String>> current(Connection c, JdbcTable table, Map<String, String> image)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql.currentImage(table).orElseThrow())) {
            int i = 1;
            for (String k : table.primaryKey()) {
                st.setString(i++, Images.value(image, k));
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(Images.parse(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** The image with the {@code missing} columns taken from {@code now} (NULL when the row is gone). */
    static Map<String, String> fill(Map<String, String> image, List<JdbcColumn> missing,
                                    Optional<Map<String, String>> now) {
        Map<String, String> out = new LinkedHashMap<>(image);
        for (JdbcColumn c : missing) {
            out.put(c.name(), now.map(n -> Images.value(n, c.name())).orElse(null));
        }
        return out;
    }
}
