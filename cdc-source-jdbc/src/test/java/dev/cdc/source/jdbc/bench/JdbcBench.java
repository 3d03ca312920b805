package dev.cdc.source.jdbc.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.api.spi.SourceFactory;
import dev.cdc.api.spi.SourceSetup;
import dev.cdc.source.jdbc.JdbcQuerySourceFactory;
import dev.cdc.source.jdbc.JdbcTriggerSourceFactory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDBC sources' benchmarks on the PostgreSQL of scripts/services.sh, each against the raw
 * tool in the same run (scripts/bench-jdbc.sh):
 * <ol>
 *   <li>pgbench's default TPC-B-like script, TPS and WAL bytes per transaction, without and then
 *   with jdbc-trigger's triggers on the four pgbench tables (pgbench_history gets a bigserial
 *   key for both runs, since the source needs keys); target: with >= 0.6 x without;</li>
 *   <li>catch-up: the change log the second run filled, read by jdbc-trigger (from a position
 *   taken before the run) vs a plain JDBC keyset SELECT of the same rows; target >= 0.8. Each side
 *   reads the rows once to warm up (a second source from the same position), then is measured;</li>
 *   <li>catch-up: rows with increasing timestamps read by jdbc-query vs a plain keyset SELECT
 *   {@code WHERE (updated_at, id) > (?, ?)} of the same rows; target >= 0.8.</li>
 * </ol>
 * Arguments: [pgbench scale] [pgbench seconds] [pgbench clients] [query rows]
 * (defaults 10, 30, 8, 500000).
 */
public final class JdbcBench {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final int PAGE = 2048;

    public static void main(String[] args) throws Exception {
        int scale = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int queryRows = args.length > 3 ? Integer.parseInt(args[3]) : 500_000;
        String schema = "bench_jdbc_" + ProcessHandle.current().pid();
        try {
            sql("CREATE SCHEMA " + schema);
            pgbench(schema, "-i", "-q", "-s", Integer.toString(scale));
            sql("ALTER TABLE " + schema + ".pgbench_history ADD COLUMN hid bigserial PRIMARY KEY");
            pgbench(schema, "-n", "-c", Integer.toString(clients), "-T", "5"); // warm-up, not measured
            sql("CHECKPOINT");
            double[] without = measure(schema, seconds, clients);
            Map<String, Object> options = Map.of("url", URL, "user", "postgres", "tables",
                    List.of(schema + "\\.pgbench_.*"), "change-log", "cdc_log", "snapshot-mode", "never",
                    "batch-size", PAGE);
            Source warmUp = create(new JdbcTriggerSourceFactory(), options);
            ((SourceSetup) warmUp).setUp();
            Counting warmUpCounting = new Counting();
            warmUp.open(warmUpCounting); // the position before the second run (twice: one reads to warm the JIT)
            Source trigger = create(new JdbcTriggerSourceFactory(), options);
            Counting counting = new Counting();
            trigger.open(counting);
            sql("CHECKPOINT");
            double[] with = measure(schema, seconds, clients);
            System.out.printf("pgbench (TPC-B-like, scale %d, %d clients, %d s each):%n", scale, clients, seconds);
            System.out.printf("  without triggers: %,.0f tps, %,.0f WAL bytes/transaction%n", without[0], without[1]);
            System.out.printf("  with triggers:    %,.0f tps, %,.0f WAL bytes/transaction%n", with[0], with[1]);
            System.out.printf("  ratio: %.2f (target >= 0.6)%n", with[0] / without[0]);

            long logRows = count("SELECT count(*) FROM " + schema + ".cdc_log");
            String logQuery = "SELECT id, txid, tbl, op, ts, before_row, after_row FROM " + schema
                    + ".cdc_log WHERE id > ? ORDER BY id LIMIT " + PAGE;
            plainKeyset(logQuery, logRows); // warm-up: both sides read the same rows once before the measured pass
            drain(warmUp, warmUpCounting, logRows);
            warmUp.close();
            double plain = plainKeyset(logQuery, logRows);
            double source = drain(trigger, counting, logRows);
            trigger.close();
            System.out.printf("catch-up of %,d change-log rows: jdbc-trigger %,.0f events/s, plain keyset SELECT %,.0f"
                    + " rows/s, ratio %.2f (target >= 0.8)%n", logRows, source, plain, source / plain);

            String table = schema + ".q_rows";
            sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text, amount numeric(12,2), updated_at"
                    + " timestamp(6) NOT NULL)", "CREATE INDEX ON " + table + " (updated_at, id)");
            Source query = create(new JdbcQuerySourceFactory(), Map.of("url", URL, "user", "postgres", "tables",
                    List.of(schema + "\\.q_rows"), "timestamp-column", "updated_at", "snapshot-mode", "never",
                    "safety-window", "1s", "batch-size", PAGE));
            Counting polled = new Counting();
            query.open(polled);
            Source queryWarmUp = create(new JdbcQuerySourceFactory(), Map.of("url", URL, "user", "postgres", "tables",
                    List.of(schema + "\\.q_rows"), "timestamp-column", "updated_at", "snapshot-mode", "never",
                    "safety-window", "1s", "batch-size", PAGE));
            Counting warmPolled = new Counting();
            queryWarmUp.open(warmPolled);
            sql("INSERT INTO " + table + " SELECT g, 'name-' || g, g % 1000 + 0.5, clock_timestamp()"
                    + " FROM generate_series(1, " + queryRows + ") g", "ANALYZE " + table);
            Thread.sleep(1_200); // past the safety window
            plainKeyset2(table, queryRows); // warm-up, as above
            drain(queryWarmUp, warmPolled, queryRows);
            queryWarmUp.close();
            double plainQuery = plainKeyset2(table, queryRows);
            double sourceQuery = drain(query, polled, queryRows);
            query.close();
            System.out.printf("catch-up of %,d polled rows: jdbc-query %,.0f events/s, plain keyset SELECT %,.0f rows/s,"
                    + " ratio %.2f (target >= 0.8)%n", queryRows, sourceQuery, plainQuery, sourceQuery / plainQuery);
        } finally {
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static Source create(SourceFactory f, Map<String, Object> options) {
        return f.create(PluginContext.of(Configuration.of(f.options(), options), "bench", "source"));
    }

    /** TPS and WAL bytes per transaction of one pgbench run. */
    private static double[] measure(String schema, int seconds, int clients) throws Exception {
        long walBefore = count("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
        String out = pgbench(schema, "-n", "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, 4)),
                "-T", Integer.toString(seconds));
        long walAfter = count("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
        double tps = number(out, "tps = ([0-9.]+)");
        double transactions = number(out, "number of transactions actually processed: ([0-9]+)");
        return new double[] {tps, (walAfter - walBefore) / transactions};
    }

    private static String pgbench(String schema, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("pgbench", "-h", "127.0.0.1", "-U", "postgres"));
        command.addAll(List.of(args));
        command.add("test");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PGOPTIONS", "-c search_path=" + schema);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed:\n" + out);
        }
        return out.toString();
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no '" + regex + "' in:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Rows/s of a keyset loop over the change log (every column read as text). */
    private static double plainKeyset(String query, long rows) throws Exception {
        long t0 = System.nanoTime();
        long n = 0;
        long last = 0;
        try (Connection c = DriverManager.getConnection(URL, "postgres", "");
             PreparedStatement st = c.prepareStatement(query)) {
            while (n < rows) {
                st.setLong(1, last);
                int page = 0;
                try (ResultSet rs = st.executeQuery()) {
                    int cols = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        last = rs.getLong(1);
                        for (int i = 2; i <= cols; i++) {
                            rs.getString(i);
                        }
                        page++;
                    }
                }
                n += page;
                if (page == 0) {
                    break;
                }
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** Rows/s of a keyset loop by (updated_at, id) over the polled table. */
    private static double plainKeyset2(String table, long rows) throws Exception {
        long t0 = System.nanoTime();
        long n = 0;
        try (Connection c = DriverManager.getConnection(URL, "postgres", "");
             PreparedStatement st = c.prepareStatement("SELECT id, name, amount, updated_at FROM " + table
                     + " WHERE (updated_at, id) > (CAST(? AS timestamp), ?) ORDER BY updated_at, id LIMIT " + PAGE)) {
            String ts = "1970-01-01";
            long id = 0;
            while (n < rows) {
                st.setString(1, ts);
                st.setLong(2, id);
                int page = 0;
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        id = rs.getLong(1);
                        rs.getString(2);
                        rs.getBigDecimal(3);
                        ts = rs.getString(4);
                        page++;
                    }
                }
                n += page;
                if (page == 0) {
                    break;
                }
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** Events/s of the opened source until {@code rows} change events arrived. */
    private static double drain(Source source, Counting context, long rows) throws Exception {
        context.target = rows;
        long t0 = System.nanoTime();
        source.run(context);
        return context.changes / ((System.nanoTime() - t0) / 1e9);
    }

    /** Counts what a source emits; stops it once the target is reached. */
    private static final class Counting implements SourceContext {
        long target = Long.MAX_VALUE;
        long changes;

        @Override
        public String pipelineName() {
            return "bench";
        }

        @Override
        public Optional<Position> resumePosition() {
            return Optional.empty();
        }

        @Override
        public void emit(List<? extends StreamEvent> events) {
            for (StreamEvent e : events) {
                if (e instanceof ChangeEvent) {
                    changes++;
                }
            }
        }

        @Override
        public boolean isStopping() {
            return changes >= target;
        }
    }

    private static long count(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private JdbcBench() {
    }
}
