package dev.cdc.source.jdbc.dialect;

import dev.cdc.api.event.TableId;
import dev.cdc.source.jdbc.catalog.JdbcColumn;
import dev.cdc.source.jdbc.catalog.JdbcTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL (13+): one PL/pgSQL trigger function per change log writes {@code row_to_json} of
 * the old and new row (so a column added later is in the images at once) with the top-level
 * transaction id ({@code pg_current_xact_id()}), which the reader orders by.
 */
final class PostgresDialect implements Dialect, ChangeLogSql {

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String nowMinus(java.time.Duration window, boolean withTimeZone) {
        return "(" + (withTimeZone ? "now()" : "LOCALTIMESTAMP") + " - INTERVAL '" + window.toNanos() / 1000
                + " microseconds')";
    }

    @Override
    public String keyParameter(JdbcColumn column) {
        return "CAST(? AS " + quoteType(column.typeName()) + ")";
    }

    private static String quoteType(String typeName) {
        return typeName.matches("[a-z0-9_ ]+") ? typeName : "\"" + typeName.replace("\"", "\"\"") + "\"";
    }

    /**
     * The batch boundaries the reader chose ({@code [lo, hi)} of finished transactions), so that a
     * restart reads the same batches again and every replayed row keeps its position.
     */
    String batches(TableId log) {
        return quote(log.namespace()) + "." + quote(log.name() + "_batches");
    }

    private String function(TableId log) {
        return quote(log.namespace()) + "." + quote(log.name() + "_capture");
    }

    @Override
    public List<String> createLog(TableId log) {
        String t = qualified(log);
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + t + " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        + " txid bigint NOT NULL, tbl text NOT NULL, op char(1) NOT NULL,"
                        + " ts timestamptz NOT NULL DEFAULT clock_timestamp(), before_row text, after_row text)",
                "CREATE INDEX IF NOT EXISTS " + quote(log.name() + "_txid") + " ON " + t + " (txid)",
                "CREATE TABLE IF NOT EXISTS " + batches(log) + " (hi bigint PRIMARY KEY, lo bigint NOT NULL)",
                "CREATE OR REPLACE FUNCTION " + function(log) + "() RETURNS trigger LANGUAGE plpgsql AS $cdc$\n"
                        + "BEGIN\n"
                        + "  IF TG_OP = 'INSERT' THEN\n"
                        + "    INSERT INTO " + t + " (txid, tbl, op, after_row) VALUES (pg_current_xact_id()::text::bigint,"
                        + " TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'c', row_to_json(NEW)::text);\n"
                        + "  ELSIF TG_OP = 'UPDATE' THEN\n"
                        + "    INSERT INTO " + t + " (txid, tbl, op, before_row, after_row) VALUES"
                        + " (pg_current_xact_id()::text::bigint, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'u',"
                        + " row_to_json(OLD)::text, row_to_json(NEW)::text);\n"
                        + "  ELSE\n"
                        + "    INSERT INTO " + t + " (txid, tbl, op, before_row) VALUES (pg_current_xact_id()::text::bigint,"
                        + " TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'd', row_to_json(OLD)::text);\n"
                        + "  END IF;\n"
                        + "  RETURN NULL;\n"
                        + "END\n$cdc$");
    }

    @Override
    public Optional<String> estimateQuery() {
        return Optional.of("SELECT GREATEST(c.reltuples::bigint, COALESCE((SELECT s.n_live_tup FROM"
                + " pg_catalog.pg_stat_user_tables s WHERE s.relid = c.oid), -1)) FROM pg_catalog.pg_class c JOIN"
                + " pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?");
    }

    @Override
    public String insertWatermark(TableId log) {
        return "INSERT INTO " + qualified(log) + " (txid, tbl, op, after_row, before_row) VALUES"
                + " (pg_current_xact_id()::text::bigint, '-', '" + WATERMARK_OP + "', ?, ?)";
    }

    private static String trigger(TableId log, TableId table) {
        return ChangeLogSql.triggerName(log, table, "", 63);
    }

    @Override
    public List<String> createTriggers(TableId log, JdbcTable table) {
        String name = quote(trigger(log, table.id()));
        return List.of("DROP TRIGGER IF EXISTS " + name + " ON " + qualified(table.id()),
                "CREATE TRIGGER " + name + " AFTER INSERT OR UPDATE OR DELETE ON " + qualified(table.id())
                        + " FOR EACH ROW EXECUTE FUNCTION " + function(log) + "()");
    }

    @Override
    public List<String> dropTriggers(TableId log, TableId table) {
        return List.of("DROP TRIGGER IF EXISTS " + quote(trigger(log, table)) + " ON " + qualified(table));
    }

    @Override
    public List<String> dropLog(TableId log) {
        return List.of("DROP FUNCTION IF EXISTS " + function(log) + "() CASCADE",
                "DROP TABLE IF EXISTS " + qualified(log), "DROP TABLE IF EXISTS " + batches(log));
    }

    @Override
    public List<TableId> tablesWithTriggers(Connection connection, TableId log) throws SQLException {
        List<TableId> out = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT n.nspname, c.relname FROM pg_catalog.pg_trigger g"
                + " JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_catalog.pg_proc p ON p.oid = g.tgfoid JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace"
                + " WHERE p.proname = ? AND pn.nspname = ? ORDER BY 1, 2")) {
            st.setString(1, log.name() + "_capture");
            st.setString(2, log.namespace());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(TableId.of(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }
}
