package dev.cdc.sink.jdbc.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.sink.jdbc.JdbcSinkFactory;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;

/**
 * Events per second through the {@code jdbc} sink into a database, beside a raw JDBC multi-row upsert
 * of the same rows with the same batch size in the same run: each batch of {@code batch} events is
 * one transaction, written in statements of {@code rows} rows (the sink's {@code rows-per-statement})
 * by both. The sink is fed from memory with {@code write} + {@code flush} per batch, as a lane does:
 * no engine, no source. The raw upsert has no order guard: it is the work the sink adds (the sort
 * key column, its guard, the compaction of a batch, the binding through the dialect) that the ratio
 * shows. Every run starts from an empty table; the first {@code keys} events insert, the rest
 * update. After a warm-up of both, raw and sink run {@code runs} times each, alternating which goes
 * first; each run and the medians are printed.
 *
 * <p>Arguments (all optional): target (postgresql, mariadb or both: both), events (200000), keys
 * (100000), batch (1000), rows per statement (500), runs (3).
 */
public final class JdbcSinkBench {

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final TableId TABLE = TableId.of("bench", "jdbc_bench");
    private static final List<String> COLUMNS = List.of("id", "name", "status", "amount", "updated_at", "version",
            "payload");

    private record Target(String dialect, String url, String user, String password) {
        String rawUpsert(String table, int rows) {
            String values = String.join(", ", Collections.nCopies(rows, "(?, ?, ?, ?, ?, ?, ?)"));
            String cols = String.join(", ", COLUMNS);
            if (dialect.equals("postgresql")) {
                return "INSERT INTO " + table + " (" + cols + ") VALUES " + values + " ON CONFLICT (id) DO UPDATE SET"
                        + " name = EXCLUDED.name, status = EXCLUDED.status, amount = EXCLUDED.amount, updated_at ="
                        + " EXCLUDED.updated_at, version = EXCLUDED.version, payload = EXCLUDED.payload";
            }
            return "INSERT INTO " + table + " (" + cols + ") VALUES " + values + " ON DUPLICATE KEY UPDATE"
                    + " name = VALUES(name), status = VALUES(status), amount = VALUES(amount), updated_at ="
                    + " VALUES(updated_at), version = VALUES(version), payload = VALUES(payload)";
        }

        String createRaw(String table) {
            return "CREATE TABLE " + table + " (id bigint NOT NULL PRIMARY KEY, name varchar(64), status varchar(16),"
                    + " amount " + (dialect.equals("postgresql") ? "numeric" : "decimal") + "(12,2), updated_at "
                    + (dialect.equals("postgresql") ? "timestamp(6) with time zone" : "datetime(6)")
                    + ", version bigint, payload varchar(64))";
        }
    }

    private JdbcSinkBench() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "both";
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        int rows = args.length > 4 ? Integer.parseInt(args[4]) : 500;
        int runs = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        if (batch > keys) {
            throw new IllegalArgumentException("batch (" + batch + ") must not exceed keys (" + keys + "): the raw"
                    + " upsert cannot touch one key twice in a statement");
        }
        System.out.printf("%,d upserts over %,d keys (7 columns), batches of %,d events, %,d rows per statement,"
                + " %d runs each%n", events, keys, batch, rows, runs);
        List<ChangeEvent> all = events(events, keys);
        List<Target> targets = new ArrayList<>();
        if (!which.equals("mariadb")) {
            targets.add(new Target("postgresql", env("CDC_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                    env("CDC_TEST_POSTGRES_USER", "postgres"), env("CDC_TEST_POSTGRES_PASSWORD", "")));
        }
        if (!which.equals("postgresql")) {
            targets.add(new Target("mariadb", env("CDC_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test"),
                    env("CDC_TEST_MARIADB_USER", "root"), env("CDC_TEST_MARIADB_PASSWORD", "")));
        }
        for (Target t : targets) {
            bench(t, all, batch, rows, runs);
        }
    }

    private static long rawCpu;
    private static long sinkCpu;

    private static void bench(Target t, List<ChangeEvent> all, int batch, int rows, int runs) throws Exception {
        rawCpu = 0;
        sinkCpu = 0;
        List<Double> raw = new ArrayList<>();
        List<Double> sink = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(t.url(), t.user(), t.password())) {
            List<ChangeEvent> warmUp = all.subList(0, Math.min(all.size(), 20 * batch));
            raw(t, c, warmUp, batch, rows); // the JIT compiles both paths before anything counts
            sink(t, c, warmUp, batch, rows);
            rawCpu = 0;
            sinkCpu = 0;
            for (int run = 0; run < runs; run++) {
                if (run % 2 == 0) { // alternate which goes first: the machine's load drifts
                    raw.add(raw(t, c, all, batch, rows));
                    sink.add(sink(t, c, all, batch, rows));
                } else {
                    sink.add(sink(t, c, all, batch, rows));
                    raw.add(raw(t, c, all, batch, rows));
                }
                System.out.printf("  %s run %d: raw %,.0f events/s, sink %,.0f events/s, ratio %.2f%n", t.dialect(),
                        run + 1, raw.get(run), sink.get(run), sink.get(run) / raw.get(run));
            }
            drop(c, "jdbc_bench_raw", "jdbc_bench", "jdbc_bench_tomb");
        }
        double r = median(raw);
        double s = median(sink);
        List<Double> paired = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            paired.add(sink.get(i) / raw.get(i));
        }
        System.out.printf("%s: raw JDBC multi-row upsert %,.0f events/s [%,.0f-%,.0f], jdbc sink %,.0f events/s"
                + " [%,.0f-%,.0f]; ratio of the medians %.2f, median of the runs' ratios %.2f%n", t.dialect(), r,
                Collections.min(raw), Collections.max(raw), s, Collections.min(sink), Collections.max(sink), s / r,
                median(paired));
        System.out.printf("%s: this process's CPU per event: raw %.2f us, sink %.2f us%n", t.dialect(),
                rawCpu / (double) (runs * (long) all.size()) / 1000, sinkCpu / (double) (runs * (long) all.size()) / 1000);
    }

    /** The raw upsert: binds every event's row, statements of {@code rows}, one transaction per batch. */
    private static double raw(Target t, Connection c, List<ChangeEvent> all, int batch, int rows) throws Exception {
        drop(c, "jdbc_bench_raw");
        try (Statement st = c.createStatement()) {
            st.execute(t.createRaw("jdbc_bench_raw"));
        }
        c.setAutoCommit(false);
        PreparedStatement full = c.prepareStatement(t.rawUpsert("jdbc_bench_raw", rows));
        long cpu = CPU.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int from = 0; from < all.size(); from += batch) {
            List<ChangeEvent> b = all.subList(from, Math.min(all.size(), from + batch));
            for (int s = 0; s < b.size(); s += rows) {
                List<ChangeEvent> chunk = b.subList(s, Math.min(b.size(), s + rows));
                PreparedStatement ps = chunk.size() == rows ? full : c.prepareStatement(t.rawUpsert("jdbc_bench_raw",
                        chunk.size()));
                int p = 1;
                for (ChangeEvent e : chunk) {
                    Row r = e.after().orElseThrow();
                    ps.setLong(p++, (Long) r.get("id"));
                    ps.setString(p++, (String) r.get("name"));
                    ps.setString(p++, (String) r.get("status"));
                    ps.setBigDecimal(p++, (BigDecimal) r.get("amount"));
                    ps.setObject(p++, t.dialect().equals("postgresql")
                            ? ((Instant) r.get("updated_at")).atOffset(ZoneOffset.UTC)
                            : OffsetDateTime.ofInstant((Instant) r.get("updated_at"), ZoneOffset.UTC).toLocalDateTime());
                    ps.setLong(p++, (Long) r.get("version"));
                    ps.setString(p++, (String) r.get("payload"));
                }
                ps.executeUpdate();
            }
            c.commit();
        }
        double rate = all.size() / ((System.nanoTime() - start) / 1e9);
        rawCpu += CPU.getCurrentThreadCpuTime() - cpu;
        c.setAutoCommit(true);
        full.close();
        return rate;
    }

    /** The sink: write + flush per batch, from a fresh table. */
    private static double sink(Target t, Connection c, List<ChangeEvent> all, int batch, int rows) throws Exception {
        drop(c, "jdbc_bench", "jdbc_bench_tomb");
        SinkFactory factory = ServiceLoader.load(SinkFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.type().equals("jdbc")).findFirst().orElseGet(JdbcSinkFactory::new);
        Map<String, Object> options = Map.of("url", t.url(), "user", t.user(), "password", t.password(),
                "rows-per-statement", rows, "tombstone-table", "jdbc_bench_tomb");
        try (Sink sink = factory.create(PluginContext.of(Configuration.of(factory.options(), options), "bench", "jdbc"))) {
            sink.open();
            sink.applySchemaChange(SchemaChangeEvent.of(schema(), Position.ofSequence(0), Instant.EPOCH));
            long cpu = CPU.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (int from = 0; from < all.size(); from += batch) {
                sink.write(all.subList(from, Math.min(all.size(), from + batch)));
                sink.flush();
            }
            double rate = all.size() / ((System.nanoTime() - start) / 1e9);
            sinkCpu += CPU.getCurrentThreadCpuTime() - cpu;
            return rate;
        }
    }

    private static TableSchema schema() {
        return new TableSchema(TABLE, List.of(Column.notNull("id", DataType.int64()),
                Column.of("name", DataType.string()).withSourceType("varchar(64)"),
                Column.of("status", DataType.string()).withSourceType("varchar(16)"),
                Column.of("amount", DataType.decimal(12, 2)), Column.of("updated_at", DataType.timestampTz(6)),
                Column.of("version", DataType.int64()), Column.of("payload", DataType.string())
                        .withSourceType("varchar(64)")), List.of("id"));
    }

    /** Upserts of keys 1..keys in turn: each batch has distinct keys; values from a fixed seed. */
    private static List<ChangeEvent> events(int count, int keys) {
        Random r = new Random(42);
        String[] statuses = {"new", "paid", "shipped", "done"};
        Instant base = Instant.parse("2025-01-01T00:00:00Z");
        Row.Columns columns = Row.Columns.of(COLUMNS);
        Row.Columns keyColumns = Row.Columns.of(List.of("id"));
        List<ChangeEvent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long id = i % keys + 1;
            Row row = columns.row(id, "name " + r.nextInt(1_000_000), statuses[r.nextInt(statuses.length)],
                    BigDecimal.valueOf(r.nextInt(100_000_000), 2), base.plusNanos(r.nextInt(1_000_000_000) * 1000L),
                    (long) (i / keys + 1), Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong()));
            out.add(ChangeEvent.update(TABLE, keyColumns.row(id), null, row, base, Position.ofSequence(i + 1L)));
        }
        return out;
    }

    private static void drop(Connection c, String... tables) throws Exception {
        try (Statement st = c.createStatement()) {
            for (String t : tables) {
                st.execute("DROP TABLE IF EXISTS " + t);
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }
}
