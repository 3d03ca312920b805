package dev.cdc.launcher.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.launcher.Cdc;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * {@code cdc verify} of a PostgreSQL table against its Elasticsearch index, beside the time to
 * simply read both sides (a plain JDBC {@code SELECT} of every row, streamed, and a {@code _search}
 * scroll of every document with its source), in the same run on the same data. The plain reads are
 * timed twice: one after the other, and at once on two threads. {@code cdc verify} reads both
 * sides at once, so the target (verify ≤ 1.5 × the plain reads) is judged against the concurrent
 * plain reads; the ratio to the sequential ones is printed too.
 *
 * <p>Besides wall time it prints the CPU time spent, per part: this JVM (per verify thread, from
 * {@link ThreadMXBean}; the rest, GC and JIT, from the process CPU time), Elasticsearch and
 * PostgreSQL (their processes' CPU from {@code /proc}, which counts other clients of those servers
 * too). On a shared machine the CPU figures survive other load better than wall times. Every
 * figure is printed with the load average; the summary gives medians.
 *
 * <p>Arguments: PostgreSQL JDBC URL, Elasticsearch URL, rows, runs. System properties:
 * {@code bench.warmup=N} (default 1) runs that many times first without counting them (the first
 * verify of a JVM also compiles the code: its figures are printed, a {@code cdc verify} command
 * pays it every time);
 * {@code bench.reuse=NAME} reuses the table and index of an earlier {@code bench.keep=true} run
 * (no load, nothing dropped); {@code bench.keep=true} keeps them. Run by
 * {@code scripts/bench-verify.sh}.
 */
public final class VerifyBenchmark {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonFactory JSON = new JsonFactory();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int TICKS_PER_SECOND = 100;

    /** One run's figures (seconds). */
    private record Run(double select, double scroll, double sequential, double concurrent, double verify,
                       double selectCpu, double scrollCpu, double plainEsCpu, double plainPgCpu,
                       double verifyCpu, double verifyEsCpu, double verifyPgCpu, Map<String, Double> threads,
                       String load) {
    }

    public static void main(String[] args) throws Exception {
        String pg = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/test";
        String es = args.length > 1 ? args[1] : "http://127.0.0.1:9200";
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        String reuse = System.getProperty("bench.reuse");
        boolean keep = reuse != null || Boolean.getBoolean("bench.keep");
        String name = reuse != null ? reuse : "bench_verify_" + Long.toHexString(System.nanoTime() & 0xffffff);
        Path dir = Files.createTempDirectory(name);
        try {
            Path yaml = Files.writeString(dir.resolve("bench.yaml"), """
                    pipeline: %1$s
                    source: {type: postgres, url: "%2$s", user: postgres, slot: %1$s, tables: [public.%1$s]}
                    sinks:
                      - {name: search, type: elasticsearch, hosts: ["%3$s"], index: "%1$s",
                         index-settings: {number_of_replicas: "0", refresh_interval: "30s"}}
                    checkpoint: {type: file, path: "%4$s"}
                    """.formatted(name, pg, es, dir.resolve("state")));
            if (reuse == null) {
                load(pg, es, name, rows, yaml);
            } else {
                System.out.printf("reusing table and index %s (%,d documents)%n", name, count(es, name));
            }
            for (int w = 1; w <= Integer.getInteger("bench.warmup", 1); w++) {
                // a first verify in a fresh JVM also compiles the code: timed, but not in the medians
                System.out.print("warm-up (not counted) ");
                run(0, pg, es, name, rows, yaml);
            }
            List<Run> all = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                all.add(run(run, pg, es, name, rows, yaml));
            }
            summary(rows, all);
        } finally {
            if (!keep) {
                exec(pg, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + name + "'", "DROP PUBLICATION IF EXISTS " + name, "DROP TABLE IF EXISTS " + name);
                http(es, "DELETE", "/" + name + "_v1");
            } else {
                System.out.println("kept table and index " + name + " (-Dbench.reuse=" + name + " reuses them)");
            }
        }
    }

    private static void load(String pg, String es, String name, int rows, Path yaml) throws Exception {
        exec(pg, "CREATE TABLE " + name + " (id bigint PRIMARY KEY, name text, price numeric(12,2), at timestamptz,"
                + " flag boolean, qty int)",
                "INSERT INTO " + name + " SELECT g, 'row number ' || g, g * 1.10, timestamptz '2024-01-01 00:00:00+00'"
                        + " + g * interval '1 second', g % 2 = 0, g % 1000 FROM generate_series(1, " + rows + ") g",
                "ANALYZE " + name);
        long loadStart = System.nanoTime();
        Pipeline load = Pipeline.fromYaml(yaml);
        load.start();
        // runs until the index holds every row (a completed snapshot-only run was seen to end with rows
        // still in a spilled backlog), then stops
        long indexed;
        while ((indexed = count(es, name)) < rows) {
            System.out.printf("loading: %,d of %,d rows indexed%n", indexed, rows);
            if (load.awaitTermination(Duration.ofSeconds(10))) {
                throw new IllegalStateException("the loading pipeline ended: " + load.status());
            }
        }
        load.stop();
        load.awaitTermination(Duration.ofSeconds(60));
        load.close();
        System.out.printf("loaded %,d rows into index %s in %.1f s (%s)%n", rows, name,
                (System.nanoTime() - loadStart) / 1e9, load.state());
    }

    private static Run run(int run, String pg, String es, String name, int rows, Path yaml) throws Exception {
        String load = loadAverage();
        // the plain reads, one after the other
        long[] before = serverTicks();
        long t0 = System.nanoTime();
        long[] selected = cpu(() -> select(pg, name));
        long t1 = System.nanoTime();
        long[] scrolled = cpu(() -> scroll(es, name));
        long t2 = System.nanoTime();
        long[] after = serverTicks();
        check(run, "sequential", selected[0], scrolled[0], rows);
        double plainEs = (after[0] - before[0]) / (double) TICKS_PER_SECOND;
        double plainPg = (after[1] - before[1]) / (double) TICKS_PER_SECOND;
        // the plain reads at once, on two threads
        long t3 = System.nanoTime();
        CompletableFuture<long[]> sel = CompletableFuture.supplyAsync(() -> cpu(() -> select(pg, name)));
        CompletableFuture<long[]> scr = CompletableFuture.supplyAsync(() -> cpu(() -> scroll(es, name)));
        check(run, "concurrent", sel.join()[0], scr.join()[0], rows);
        long t4 = System.nanoTime();
        // cdc verify, its threads' CPU sampled while it runs
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Cdc.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ThreadCpu sampler = new ThreadCpu();
        sampler.start();
        long[] vBefore = serverTicks();
        long vCpu0 = processCpu();
        long t5 = System.nanoTime();
        int code = cl.execute("verify", yaml.toString(), "--sink", "search", "--progress-interval", "0");
        long t6 = System.nanoTime();
        long vCpu1 = processCpu();
        long[] vAfter = serverTicks();
        Map<String, Double> threads = sampler.finish();
        if (code != 0) {
            throw new IllegalStateException("run " + run + ": verify exit " + code + "\n" + out + err);
        }
        Run r = new Run((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9, (t4 - t3) / 1e9, (t6 - t5) / 1e9,
                selected[1] / 1e9, scrolled[1] / 1e9, plainEs, plainPg, (vCpu1 - vCpu0) / 1e9, (vAfter[0] - vBefore[0]) / (double) TICKS_PER_SECOND,
                (vAfter[1] - vBefore[1]) / (double) TICKS_PER_SECOND, threads, load);
        System.out.printf("run %d (load %s): SELECT %.2f s + scroll %.2f s = %.2f s sequential, %.2f s concurrent;"
                        + " cdc verify %.2f s (%s)%n", run, load, r.select, r.scroll, r.sequential, r.concurrent, r.verify,
                out.toString().strip().lines().reduce((a, b) -> b).orElse(""));
        System.out.printf("  CPU s: plain reads (sequential) client SELECT %.2f + scroll %.2f, Elasticsearch %.2f,"
                        + " PostgreSQL %.2f; verify client %.2f %s, Elasticsearch %.2f, PostgreSQL %.2f%n", r.selectCpu,
                r.scrollCpu, r.plainEsCpu,
                r.plainPgCpu, r.verifyCpu, threadText(r.threads, r.verifyCpu), r.verifyEsCpu, r.verifyPgCpu);
        return r;
    }

    private static void summary(int rows, List<Run> all) {
        double v = median(all, Run::verify);
        double seq = median(all, Run::sequential);
        double conc = median(all, Run::concurrent);
        double plainCpu = median(all, r -> r.selectCpu + r.scrollCpu + r.plainEsCpu + r.plainPgCpu);
        double verifyCpu = median(all, r -> r.verifyCpu + r.verifyEsCpu + r.verifyPgCpu);
        Map<String, Double> threads = new TreeMap<>();
        all.get(0).threads.keySet().forEach(k -> threads.put(k, median(all, r -> r.threads.getOrDefault(k, 0.0))));
        System.out.printf("%n%,d rows, medians of %d runs (loads: %s):%n", rows, all.size(),
                String.join("; ", all.stream().map(Run::load).toList()));
        System.out.printf("  plain reads: SELECT %.2f s, scroll %.2f s; sequential %.2f s, concurrent %.2f s;"
                        + " client CPU SELECT %.2f s, scroll %.2f s%n", median(all, Run::select), median(all, Run::scroll),
                seq, conc, median(all, Run::selectCpu), median(all, Run::scrollCpu));
        System.out.printf("  cdc verify %.2f s (%,.0f rows/s)%n", v, rows / v);
        System.out.printf("  ratio to the concurrent plain reads %.2f (the target's measure: verify reads both sides at"
                + " once; target <= 1.5); to the sequential plain reads %.2f%n", v / conc, v / seq);
        System.out.printf("  CPU s (client + Elasticsearch + PostgreSQL): plain reads %.2f, verify %.2f, ratio %.2f;"
                        + " verify client per row %.2f us %s%n", plainCpu, verifyCpu, verifyCpu / plainCpu,
                median(all, Run::verifyCpu) * 1e6 / rows, threadText(threads, median(all, Run::verifyCpu)));
    }

    private static String threadText(Map<String, Double> threads, double total) {
        StringBuilder b = new StringBuilder("(");
        double named = 0;
        for (Map.Entry<String, Double> e : threads.entrySet()) {
            b.append(e.getKey()).append(' ').append(String.format("%.2f", e.getValue())).append(", ");
            named += e.getValue();
        }
        return b.append("GC/JIT/other ").append(String.format("%.2f", total - named)).append(')').toString();
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void check(int run, String how, long selected, long scrolled, int rows) {
        if (selected != rows || scrolled != rows) {
            throw new IllegalStateException("run " + run + " (" + how + "): selected " + selected + ", scrolled "
                    + scrolled + ", expected " + rows);
        }
    }

    /**
     * CPU time of this JVM's threads while verify runs, by thread name without its number
     * ({@code cdc-verify-encode}); sampled every 20 ms, so a thread's last 20 ms may be missed.
     */
    private static final class ThreadCpu extends Thread {
        private final Map<Long, String> names = new ConcurrentHashMap<>();
        private final Map<Long, Long> start = new ConcurrentHashMap<>();
        private final Map<Long, Long> last = new ConcurrentHashMap<>();
        private volatile boolean done;
        private final long self = Thread.currentThread().getId();

        ThreadCpu() {
            super("bench-cpu-sampler");
            setDaemon(true);
            for (long id : THREADS.getAllThreadIds()) {
                start.put(id, THREADS.getThreadCpuTime(id));
            }
        }

        @Override
        public void run() {
            while (!done) {
                sample();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample() {
            for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long cpu = THREADS.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    names.put(info.getThreadId(), info.getThreadName());
                    last.put(info.getThreadId(), cpu);
                }
            }
        }

        Map<String, Double> finish() throws InterruptedException {
            done = true;
            join();
            sample();
            Map<String, Double> out = new TreeMap<>();
            last.forEach((id, cpu) -> {
                String n = id == self ? "main" : names.get(id).replaceAll("[-\\d]+$", "");
                if (n.startsWith("cdc-verify") || n.equals("main") || n.startsWith("HttpClient")) {
                    out.merge(n, (cpu - start.getOrDefault(id, 0L)) / 1e9, Double::sum);
                }
            });
            return out;
        }
    }

    /** The call's result and the CPU time this thread spent in it (ns). */
    private static long[] cpu(IoCall<Long> call) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long n = unchecked(call);
        return new long[] {n, THREADS.getCurrentThreadCpuTime() - c0};
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU ticks (user + system) of Elasticsearch's process and of all PostgreSQL processes. */
    private static long[] serverTicks() {
        long es = 0;
        long pg = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    if (comm.equals("postgres")) {
                        // with the ended children the server reaped (a closed connection's backend)
                        pg += ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                    } else if (comm.equals("java")
                            && Files.readString(p.resolve("cmdline")).contains("org.elasticsearch.")) {
                        es += ticks;
                    }
                } catch (Exception gone) {
                    // the process ended meanwhile
                }
            }
        } catch (Exception e) {
            return new long[] {0, 0};
        }
        return new long[] {es, pg};
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    private interface IoCall<T> {
        T call() throws Exception;
    }

    private static <T> T unchecked(IoCall<T> c) {
        try {
            return c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads every row and column with a plain streamed SELECT; returns the row count. */
    private static long select(String url, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.setFetchSize(5000);
                long n = 0;
                long chars = 0;
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    int cols = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= cols; i++) {
                            String v = rs.getString(i);
                            chars += v == null ? 0 : v.length();
                        }
                        n++;
                    }
                }
                c.commit();
                return chars > 0 ? n : -1;
            }
        }
    }

    /** Reads every document with its source through a scroll of 5000; returns the document count. */
    private static long scroll(String es, String index) throws Exception {
        String body = "{\"size\":5000,\"sort\":[\"_doc\"]}";
        String path = "/" + index + "/_search?scroll=1m";
        long n = 0;
        String scrollId = null;
        while (true) {
            HttpRequest r = HttpRequest.newBuilder(URI.create(es + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<InputStream> reply = HTTP.send(r, HttpResponse.BodyHandlers.ofInputStream());
            if (reply.statusCode() != 200) {
                throw new IllegalStateException("the scroll failed after " + n + " documents: HTTP " + reply.statusCode()
                        + " " + new String(reply.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            int hits = 0;
            try (JsonParser p = JSON.createParser(reply.body())) {
                // count the hits' _source objects while parsing the whole answer
                int depth = 0;
                String field = null;
                for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                    if (t == JsonToken.FIELD_NAME) {
                        field = p.currentName();
                        if (depth == 1 && field.equals("_scroll_id")) {
                            p.nextToken();
                            scrollId = p.getText();
                        }
                    } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        if (t == JsonToken.START_OBJECT && "_source".equals(field)) {
                            hits++;
                        }
                        depth++;
                    } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                        depth--;
                    }
                }
            }
            if (hits == 0) {
                break;
            }
            n += hits;
            path = "/_search/scroll";
            body = "{\"scroll\":\"1m\",\"scroll_id\":\"" + scrollId + "\"}";
        }
        HTTP.send(HttpRequest.newBuilder(URI.create(es + "/_search/scroll")).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"scroll_id\":\"" + scrollId + "\"}")).build(),
                HttpResponse.BodyHandlers.discarding());
        return n;
    }

    private static long count(String es, String index) throws Exception {
        http(es, "POST", "/" + index + "/_refresh");
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(es + "/" + index + "/_count")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"count\":(\\d+)").matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void http(String es, String method, String path) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(es + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private static void exec(String url, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private VerifyBenchmark() {
    }
}
