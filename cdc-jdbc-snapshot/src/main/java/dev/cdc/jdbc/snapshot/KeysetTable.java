package dev.cdc.jdbc.snapshot;

import dev.cdc.api.event.TableId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * How one table is read in primary-key order, in a source's SQL dialect: what to select, from
 * where, the key columns, how a key value is bound back (and cast) and how a result row becomes
 * a {@link ReadRow}. {@link ChunkReader} builds the keyset statements from it.
 *
 * @param table          the table
 * @param from           the quoted, qualified table name
 * @param selectList     the select list ({@code "id", "name", ...} or expressions)
 * @param keyColumns     the quoted key columns in key order; empty for a table without a primary key
 * @param keyParameters  the parameter expression per key column: {@code ?}, or a cast such as {@code CAST(? AS int8)}
 * @param syntax         row-value comparisons and the LIMIT clause of the dialect
 * @param rows           decodes a result row
 * @param binder         binds a key value (text) to a parameter
 */
public record KeysetTable(TableId table, String from, String selectList, List<String> keyColumns,
                          List<String> keyParameters, Syntax syntax, RowReader rows, KeyBinder binder) {

    public KeysetTable {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(selectList, "selectList");
        keyColumns = List.copyOf(keyColumns);
        keyParameters = List.copyOf(keyParameters);
        Objects.requireNonNull(syntax, "syntax");
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(binder, "binder");
        if (keyColumns.size() != keyParameters.size()) {
            throw new IllegalArgumentException("one parameter expression per key column: " + keyColumns + " vs "
                    + keyParameters);
        }
    }

    /** Decodes the current row of a result set (columns in select-list order). */
    @FunctionalInterface
    public interface RowReader {
        ReadRow read(ResultSet rs) throws SQLException;
    }

    /** Binds the text of key column {@code keyIndex} to parameter {@code parameterIndex}. */
    @FunctionalInterface
    public interface KeyBinder {
        void bind(PreparedStatement statement, int parameterIndex, int keyIndex, String text) throws SQLException;

        /** {@code setString}: for databases that convert text to the column's type themselves (or a cast in the SQL). */
        KeyBinder TEXT = (st, parameter, key, text) -> st.setString(parameter, text);
    }

    /**
     * The dialect's forms: whether {@code (a, b) > (?, ?)} is understood (else the expanded
     * {@code a > ? OR (a = ? AND b > ?)} is used), and the clause that limits a chunk, with
     * {@code %d} for the number of rows ({@code " LIMIT %d"}, {@code " FETCH FIRST %d ROWS ONLY"}).
     */
    public record Syntax(boolean rowValues, String limitClause) {
        public static final Syntax LIMIT = new Syntax(true, " LIMIT %d");
        public static final Syntax STANDARD = new Syntax(false, " FETCH FIRST %d ROWS ONLY");

        public Syntax {
            Objects.requireNonNull(limitClause, "limitClause");
        }
    }

    public boolean hasKey() {
        return !keyColumns.isEmpty();
    }
}
