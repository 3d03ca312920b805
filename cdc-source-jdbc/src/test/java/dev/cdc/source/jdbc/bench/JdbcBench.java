package dev.cdc.source.jdbc.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
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
 *   taken before the run) vs a plain JDBC keyset SELECT of the same rows (every column as text),
 *   vs the same SELECT that also parses both row images with Jackson (every token's text), and vs
 *   the same SELECT doing what a hand-written poller must do to hand exact values on (id, txid and
 *   ts typed, both images decoded by Jackson into typed values: the target >= 0.8 is against this
 *   one, see docs/cdc-source-jdbc.md). Each side reads the rows once to warm up, then
 *   {@value #PASSES} times (a source per pass, all opened at the same position); the best pass of
 *   each is printed;</li>
 *   <li>catch-up: rows with increasing timestamps read by jdbc-query vs a plain keyset SELECT
 *   {@code WHERE (updated_at, id) > (?, ?) AND updated_at <= now - window} of the same rows (the
 *   safety window's bound, which the source has too), and vs the same SELECT that also reads every
 *   value into its Java type (the work the source cannot skip; the target >= 0.8 is against this
 *   one, see docs/cdc-source-jdbc.md).</li>
 * </ol>
 * Arguments: [pgbench scale] [pgbench seconds] [pgbench clients] [query rows]
 * (defaults 10, 30, 8, 500000).
 */
public final class JdbcBench {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final int PAGE = 2048;
    /** Measured passes per side after the warm-up pass; the best is printed (other builds share the machine). */
    private static final int PASSES = 5;
    private static final JsonFactory JACKSON = new JsonFactory();
    /** jdbc-query's bound with the bench's 1 s safety window, which the baselines' SELECTs have too (a poller needs it). */
    private static final String WINDOW = "updated_at <= (LOCALTIMESTAMP - INTERVAL '1000000 microseconds')";

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
            ((SourceSetup) create(new JdbcTriggerSourceFactory(), options)).setUp();
            // every source opened at the position before the second run: one warm-up pass, then PASSES measured
            List<Opened> triggers = open(new JdbcTriggerSourceFactory(), options);
            sql("CHECKPOINT");
            double[] with = measure(schema, seconds, clients);
            System.out.printf("pgbench (TPC-B-like, scale %d, %d clients, %d s each):%n", scale, clients, seconds);
            System.out.printf("  without triggers: %,.0f tps, %,.0f WAL bytes/transaction%n", without[0], without[1]);
            System.out.printf("  with triggers:    %,.0f tps, %,.0f WAL bytes/transaction%n", with[0], with[1]);
            System.out.printf("  ratio: %.2f (target >= 0.6)%n", with[0] / without[0]);

            long logRows = count("SELECT count(*) FROM " + schema + ".cdc_log");
            String logQuery = "SELECT id, txid, tbl, op, ts, before_row, after_row FROM " + schema
                    + ".cdc_log WHERE id > ? ORDER BY id LIMIT " + PAGE;
            Side source = new Side("jdbc-trigger");
            Side plain = new Side("plain keyset SELECT");
            Side jackson = new Side("keyset SELECT + both images parsed by Jackson");
            Side typed = new Side("keyset SELECT + typed (id, txid, ts) + both images decoded by Jackson into typed"
                    + " values");
            for (int pass = 0; pass <= PASSES; pass++) { // pass 0 warms all four up and is not counted
                Sample p = plainKeyset(logQuery, logRows, Images.TEXT);
                Sample j = plainKeyset(logQuery, logRows, Images.TOKENS);
                Sample t = plainKeyset(logQuery, logRows, Images.TYPED);
                Sample s = drain(triggers.get(pass), logRows);
                if (pass > 0) {
                    plain.add(p);
                    jackson.add(j);
                    typed.add(t);
                    source.add(s);
                }
            }
            System.out.printf("catch-up of %,d change-log rows (best of %d warm passes each; CPU per row: the least"
                    + " of the passes, this JVM + the PostgreSQL backend):%n", logRows, PASSES);
            source.print(null, false);
            plain.print(source, false);
            jackson.print(source, false);
            typed.print(source, true);

            String table = schema + ".q_rows";
            sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text, amount numeric(12,2), updated_at"
                    + " timestamp(6) NOT NULL)", "CREATE INDEX ON " + table + " (updated_at, id)");
            List<Opened> queries = open(new JdbcQuerySourceFactory(), Map.of("url", URL, "user", "postgres", "tables",
                    List.of(schema + "\\.q_rows"), "timestamp-column", "updated_at", "snapshot-mode", "never",
                    "safety-window", "1s", "batch-size", PAGE));
            sql("INSERT INTO " + table + " SELECT g, 'name-' || g, g % 1000 + 0.5, clock_timestamp()"
                    + " FROM generate_series(1, " + queryRows + ") g", "ANALYZE " + table);
            Thread.sleep(1_200); // past the safety window
            Side query = new Side("jdbc-query");
            Side plain2 = new Side("plain keyset SELECT");
            Side typed2 = new Side("keyset SELECT + typed values (getLong, getString, getBigDecimal,"
                    + " getObject(LocalDateTime))");
            for (int pass = 0; pass <= PASSES; pass++) {
                Sample p = plainKeyset2(table, queryRows, false);
                Sample t = plainKeyset2(table, queryRows, true);
                Sample s = drain(queries.get(pass), queryRows);
                if (pass > 0) {
                    plain2.add(p);
                    typed2.add(t);
                    query.add(s);
                }
            }
            System.out.printf("catch-up of %,d polled rows (best of %d warm passes each; CPU per row as above):%n",
                    queryRows, PASSES);
            query.print(null, false);
            plain2.print(query, false);
            typed2.print(query, true);
        } finally {
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** One pass of one side: rows/s, and CPU nanoseconds per row in this JVM and in the PostgreSQL backend. */
    private record Sample(double rate, double clientNs, double serverNs) {
    }

    /** A side of a catch-up comparison over its passes: the best rate, the least CPU per row. */
    private static final class Side {
        final String label;
        double rate;
        double client = Double.MAX_VALUE;
        double server = Double.MAX_VALUE;

        Side(String label) {
            this.label = label;
        }

        void add(Sample s) {
            rate = Math.max(rate, s.rate());
            client = Math.min(client, s.clientNs());
            server = Math.min(server, s.serverNs());
        }

        double cpu() {
            return client + server;
        }

        /** Its figures, and the source's ratios to it (rate, and CPU per row: this side's / the source's). */
        void print(Side source, boolean target) {
            String cpu = String.format("CPU/row %.2f us + %.2f us in PostgreSQL", client / 1000, server / 1000);
            if (source == null) {
                System.out.printf("  %s %,.0f events/s, %s%n", label, rate, cpu);
            } else {
                System.out.printf("  %s %,.0f rows/s, %s: ratio %.2f, by CPU %.2f%s%n", label, rate, cpu,
                        source.rate / rate, cpu() / source.cpu(), target ? " (target >= 0.8)" : "");
            }
        }
    }

    /** CPU time of this JVM (every thread: the reader, the collector, the compiler). */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of PostgreSQL backends (user + system, from /proc; 10 ms ticks). */
    private static long backendCpu(List<Integer> pids) throws Exception {
        long ticks = 0;
        for (int pid : pids) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return ticks * 10_000_000L;
    }

    private static int backendPid(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Measures {@code read} (which returns the rows it read) on the given backends. */
    private static Sample measured(List<Integer> backends, ReadLoop read) throws Exception {
        long cpu0 = processCpu();
        long server0 = backendCpu(backends);
        long t0 = System.nanoTime();
        long n = read.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Sample(n / seconds, (processCpu() - cpu0) / (double) n, (backendCpu(backends) - server0) / (double) n);
    }

    @FunctionalInterface
    private interface ReadLoop {
        long run() throws Exception;
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
        List<String> command = new ArrayList<>(List.of("pgbench", "-h", "127.0.0.1", "-U", "postgres"));
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

    /** A source opened (at the position where reading starts), what it emits into, and its PostgreSQL backends. */
    private record Opened(Source source, Counting context, List<Integer> backends) {
    }

    /**
     * {@code PASSES + 1} sources of the factory, opened now (so all start here), each connecting with
     * an application name of its own so its backends are found.
     */
    private static List<Opened> open(SourceFactory f, Map<String, Object> options) throws Exception {
        List<Opened> out = new ArrayList<>();
        for (int i = 0; i <= PASSES; i++) {
            String name = "cdc-bench-" + ProcessHandle.current().pid() + "-" + f.type() + "-" + i;
            Map<String, Object> o = new HashMap<>(options);
            o.put("url", URL + "?ApplicationName=" + name);
            Source s = create(f, o);
            Counting c = new Counting();
            s.open(c);
            List<Integer> backends = new ArrayList<>();
            try (Connection conn = DriverManager.getConnection(URL, "postgres", "");
                 PreparedStatement st = conn.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
                st.setString(1, name);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        backends.add(rs.getInt(1));
                    }
                }
            }
            out.add(new Opened(s, c, backends));
        }
        return out;
    }

    /** How much of the change log's row images a baseline decodes. */
    private enum Images {
        /** Every column read as text, nothing parsed. */
        TEXT,
        /** Both images parsed by Jackson's streaming parser, every token's text (names and values). */
        TOKENS,
        /**
         * What a hand-written poller must do to hand exact values on: id, txid and ts read typed,
         * both images parsed by Jackson into an array of typed values per image (integers as longs,
         * decimals as BigDecimal, pgbench's timestamp column as a LocalDateTime, text as strings).
         */
        TYPED
    }

    /** Rows/s of a keyset loop over the change log, decoding its images as {@code images} says. */
    private static Sample plainKeyset(String query, long rows, Images images) throws Exception {
        try (Connection c = DriverManager.getConnection(URL, "postgres", "");
             PreparedStatement st = c.prepareStatement(query)) {
            return measured(List.of(backendPid(c)), () -> keysetLoop(st, rows, images));
        }
    }

    private static long keysetLoop(PreparedStatement st, long rows, Images images) throws Exception {
        long n = 0;
        long last = 0;
        while (n < rows) {
            st.setLong(1, last);
            int page = 0;
            try (ResultSet rs = st.executeQuery()) {
                int cols = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    last = rs.getLong(1);
                    if (images == Images.TYPED) {
                        rs.getLong(2);
                        rs.getString(3);
                        rs.getString(4);
                        rs.getObject(5, OffsetDateTime.class);
                        typed(rs.getString(6));
                        typed(rs.getString(7));
                    } else {
                        for (int i = 2; i <= cols; i++) {
                            String text = rs.getString(i);
                            if (images == Images.TOKENS && i >= cols - 1 && text != null) {
                                parse(text);
                            }
                        }
                    }
                    page++;
                }
            }
            n += page;
            if (page == 0) {
                break;
            }
        }
        return n;
    }

    private static void parse(String json) throws Exception {
        try (JsonParser p = JACKSON.createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME || t.isScalarValue()) {
                    p.getText();
                }
            }
        }
    }

    /** An image's values in their Java types, as a poller that knows pgbench's columns would read them. */
    private static Object[] typed(String json) throws Exception {
        if (json == null) {
            return null;
        }
        List<Object> values = new ArrayList<>(8);
        try (JsonParser p = JACKSON.createParser(json)) {
            p.nextToken(); // {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                values.add(switch (t) {
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
                    case VALUE_STRING -> name.equals("mtime") ? LocalDateTime.parse(p.getText()) : p.getText();
                    case VALUE_NULL -> null;
                    default -> p.getText();
                });
            }
        }
        return values.toArray();
    }

    /**
     * Rows/s of a keyset loop by (updated_at, id) over the polled table: the timestamp read as text,
     * or with {@code typed} every value read into the Java type the source gives it (the timestamp a
     * {@code LocalDateTime}, bound back as one).
     */
    private static Sample plainKeyset2(String table, long rows, boolean typed) throws Exception {
        try (Connection c = DriverManager.getConnection(URL, "postgres", "");
             PreparedStatement st = c.prepareStatement("SELECT id, name, amount, updated_at FROM " + table
                     + " WHERE (updated_at, id) > (CAST(? AS timestamp), ?) AND " + WINDOW + " ORDER BY updated_at, id LIMIT "
                     + PAGE)) {
            return measured(List.of(backendPid(c)), () -> keysetLoop2(st, rows, typed));
        }
    }

    private static long keysetLoop2(PreparedStatement st, long rows, boolean typed) throws Exception {
        long n = 0;
        String ts = "1970-01-01";
        LocalDateTime time = LocalDateTime.of(1970, 1, 1, 0, 0);
        long id = 0;
        while (n < rows) {
            if (typed) {
                st.setObject(1, time);
            } else {
                st.setString(1, ts);
            }
            st.setLong(2, id);
            int page = 0;
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    id = rs.getLong(1);
                    rs.getString(2);
                    rs.getBigDecimal(3);
                    if (typed) {
                        time = rs.getObject(4, LocalDateTime.class);
                    } else {
                        ts = rs.getString(4);
                    }
                    page++;
                }
            }
            n += page;
            if (page == 0) {
                break;
            }
        }
        return n;
    }

    /** Events/s (and CPU per event) of the opened source until {@code rows} change events arrived; closes it. */
    private static Sample drain(Opened opened, long rows) throws Exception {
        opened.context.target = rows;
        Sample s = measured(opened.backends(), () -> {
            opened.source.run(opened.context);
            return opened.context.changes;
        });
        opened.source.close();
        return s;
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
