package dev.cdc.sink.redis.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.sink.redis.RedisSinkFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Events per second through the {@code hash} sink (order guard on, as always), fed from an
 * in-memory list: no engine, the sink's {@code write} + {@code flush} called directly per batch,
 * as a lane does, over one connection. In the same run and over the same number of connections
 * (one), three {@code redis-benchmark} ceilings, each with the Redis CPU time it cost per command:
 * <ol>
 *   <li>(a1) {@code -t hset}: the comparison, ONE field per command on one key;</li>
 *   <li>(a2) HSET of a whole bench row (the sort key and the 7 columns) at random keys over the same
 *   key count: the same work per row as the sink, without any guard;</li>
 *   <li>(b) EVALSHA of a minimal guard script per row (HGET of the sort key, compare, HSET of the
 *   row): the floor of a server-side guard run per row;</li>
 *   <li>(c) the sink.</li>
 * </ol>
 * Repeated {@code runs} times (the machine is shared: rates are noisy), then median [min-max].
 *
 * <p>Arguments (all optional): events (1000000), keys (100000), batch size (1000), redis URI
 * (redis://127.0.0.1:6379), redis-benchmark pipeline depth (1000), runs (3).
 */
public final class RedisHashSinkBench {

    private static final String PREFIX = "cdc-bench-redis";
    private static final String GUARD = "local s = redis.call('HGET', KEYS[1], '__cdc_sort_key') "
            + "if not s or ARGV[1] >= s then return redis.call('HSET', KEYS[1], '__cdc_sort_key', ARGV[1], "
            + "unpack(ARGV, 2)) end return 0";

    /** One measurement: operations per second and Redis CPU microseconds per operation. */
    private record Result(double rate, double redisMicros) {
    }

    private RedisHashSinkBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        String uri = args.length > 3 ? args[3] : "redis://127.0.0.1:6379";
        int pipeline = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
        int runs = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        URI u = URI.create(uri);

        System.out.printf("building %,d upserts over %,d keys (7 columns, in memory)...%n", events, keys);
        List<ChangeEvent> all = events(events, keys);
        RedisSinkFactory factory = new RedisSinkFactory();
        Map<String, Object> options = Map.of("uri", uri, "mode", "hash",
                "key-template", PREFIX + ":${table}:${key}", "metadata-prefix", PREFIX + ":__cdc:");
        PluginContext context = PluginContext.of(Configuration.of(factory.options(), options), "bench", "redis");
        List<String> row = rowArguments(all.get(all.size() / 2));
        String rb = PREFIX + ":rb:__rand_int__";
        Map<String, List<Result>> results = new LinkedHashMap<>();

        try (Jedis jedis = new Jedis(u.getHost(), u.getPort())) {
            deleteAll(jedis);
            // warm up the JIT on a tenth of the events, then start from an empty keyspace
            run(factory, context, all.subList(0, Math.min(all.size(), 100_000)), batch);
            deleteAll(jedis);
            for (int r = 1; r <= runs; r++) {
                System.out.printf("%nrun %d of %d%n", r, runs);
                measure(results, "(a1) redis-benchmark -t hset (1 field, 1 key)", jedis, events,
                        () -> redisBenchmark(u, events, pipeline, 0, List.of("-t", "hset")));
                measure(results, "(a2) redis-benchmark HSET of a whole row (8 fields)", jedis, events,
                        () -> redisBenchmark(u, events, pipeline, keys, concat(List.of("HSET", rb, "__cdc_sort_key"), row)));
                deleteAll(jedis);
                String guard = jedis.scriptLoad(GUARD); // each run: another client may have flushed scripts
                measure(results, "(b)  redis-benchmark EVALSHA minimal guard per row", jedis, events,
                        () -> redisBenchmark(u, events, pipeline, keys, concat(List.of("EVALSHA", guard, "1", rb), row)));
                deleteAll(jedis);
                long[] sinkCpu = new long[1];
                measure(results, "(c)  hash sink, order guard on", jedis, events, () -> {
                    long before = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    long nanos = run(factory, context, all, batch);
                    sinkCpu[0] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - before;
                    return events / (nanos / 1e9);
                });
                System.out.printf("     sink thread CPU %.2f us/event; keys stored: %,d%n", sinkCpu[0] / 1e3 / events,
                        jedis.dbSize());
                deleteAll(jedis);
            }
        }
        summary(results, events, pipeline, batch);
    }

    private interface Measured {
        double rate() throws Exception;
    }

    private static void measure(Map<String, List<Result>> results, String name, Jedis jedis, int ops, Measured m)
            throws Exception {
        double cpuBefore = serverCpuSeconds(jedis);
        double rate = m.rate();
        double micros = (serverCpuSeconds(jedis) - cpuBefore) * 1e6 / ops;
        results.computeIfAbsent(name, k -> new ArrayList<>()).add(new Result(rate, micros));
        System.out.printf("  %-55s %,12.0f /s   Redis CPU %5.2f us/op%n", name, rate, micros);
    }

    private static void summary(Map<String, List<Result>> results, int events, int pipeline, int batch) {
        System.out.printf("%nmedian [min-max] over %d run(s); %,d operations each; redis-benchmark -P %d -c 1,"
                + " sink batches of %d with write+flush each, 1 connection%n", results.values().iterator().next().size(),
                events, pipeline, batch);
        results.forEach((name, list) -> System.out.printf("  %-55s %s /s   Redis CPU %s us/op%n", name,
                spread(list.stream().map(Result::rate).toList(), "%,.0f"),
                spread(list.stream().map(Result::redisMicros).toList(), "%.2f")));
        List<Result> a1 = results.get("(a1) redis-benchmark -t hset (1 field, 1 key)");
        List<Result> a2 = results.get("(a2) redis-benchmark HSET of a whole row (8 fields)");
        List<Result> b = results.get("(b)  redis-benchmark EVALSHA minimal guard per row");
        List<Result> c = results.get("(c)  hash sink, order guard on");
        System.out.printf("ratios (per run, then median [min-max]):%n");
        System.out.printf("  sink / (a1) per command (the issue's target: >= 0.3):  %s%n", ratio(c, a1));
        System.out.printf("  sink / (a2) per row equivalent, unguarded:             %s%n", ratio(c, a2));
        System.out.printf("  sink / (b)  per row guard script:                      %s%n", ratio(c, b));
        double budget = 1e6 / (0.3 * median(a1.stream().map(Result::rate).toList()));
        System.out.printf("0.3 of (a1) leaves Redis %.2f us per row; an unguarded whole-row HSET (a2) alone costs it %.2f us,"
                + " the sink %.2f us%n", budget, median(a2.stream().map(Result::redisMicros).toList()),
                median(c.stream().map(Result::redisMicros).toList()));
    }

    private static String ratio(List<Result> top, List<Result> bottom) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            r.add(top.get(i).rate() / bottom.get(i).rate());
        }
        return spread(r, "%.3f");
    }

    private static String spread(List<Double> values, String format) {
        List<Double> sorted = values.stream().sorted().toList();
        return String.format(format + " [" + format + "-" + format + "]", median(values), sorted.get(0),
                sorted.get(sorted.size() - 1));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The fields of a bench row as the sink writes them: the sort key field first, then the columns. */
    private static List<String> rowArguments(ChangeEvent e) {
        List<String> args = new ArrayList<>(List.of(e.position().sortKey()));
        e.after().orElseThrow().asMap().forEach((k, v) -> {
            args.add(k);
            args.add(v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v));
        });
        return args;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static long run(RedisSinkFactory factory, PluginContext context, List<ChangeEvent> events, int batch)
            throws Exception {
        try (Sink sink = factory.create(context)) {
            sink.open();
            long start = System.nanoTime();
            for (int i = 0; i < events.size(); i += batch) {
                sink.write(events.subList(i, Math.min(events.size(), i + batch)));
                sink.flush();
            }
            return System.nanoTime() - start;
        }
    }

    private static List<ChangeEvent> events(int count, int keys) {
        TableId table = TableId.of("bench", "items");
        Random random = new Random(42);
        String[] statuses = {"new", "paid", "shipped", "cancelled"};
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        List<ChangeEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long id = 1 + random.nextInt(keys);
            StringBuilder payload = new StringBuilder(16);
            for (int c = 0; c < 16; c++) {
                payload.append((char) ('a' + random.nextInt(26)));
            }
            Row row = Row.of("id", id, "name", "item " + id, "status", statuses[random.nextInt(statuses.length)],
                    "amount", BigDecimal.valueOf(random.nextInt(10_000_000), 2), "updated_at", t0.plusMillis(i),
                    "version", (long) i, "payload", payload.toString());
            events.add(ChangeEvent.update(table, Row.of("id", id), null, row, t0.plusMillis(i),
                    Position.ofSequence(i + 1)));
        }
        return events;
    }

    /**
     * Runs redis-benchmark quietly and returns its requests per second. {@code keys} > 0 adds
     * {@code -r keys} (random key numbers in place of __rand_int__).
     */
    private static double redisBenchmark(URI u, int requests, int pipeline, int keys, List<String> what)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-benchmark", "-h", u.getHost(), "-p",
                Integer.toString(u.getPort()), "-n", Integer.toString(requests), "-P", Integer.toString(pipeline),
                "-c", "1", "-q"));
        if (keys > 0) {
            command.addAll(List.of("-r", Integer.toString(keys)));
        }
        command.addAll(what);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        // -q prints progress with carriage returns, then "<COMMAND>: 1234567.00 requests per second, ..."
        Matcher m = Pattern.compile(": ([0-9.]+) requests per second").matcher(out);
        double rate = -1;
        while (m.find()) {
            rate = Double.parseDouble(m.group(1));
        }
        if (rate < 0) {
            throw new IllegalStateException("could not read redis-benchmark's output, which ends:\n"
                    + out.substring(Math.max(0, out.length() - 300)));
        }
        try (Jedis jedis = new Jedis(u.getHost(), u.getPort())) {
            jedis.del("myhash"); // what redis-benchmark -t hset writes
        }
        return rate;
    }

    /** Redis's own CPU time so far (user + system), from INFO cpu: less noisy than wall time on a busy machine. */
    private static double serverCpuSeconds(Jedis jedis) {
        double total = 0;
        for (String line : jedis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }

    private static void deleteAll(Jedis jedis) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(PREFIX + ":*").count(5000));
            if (!page.getResult().isEmpty()) {
                jedis.unlink(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
}
