package dev.cdc.launcher.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.launcher.Cdc;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.Collections;
import java.util.List;

/**
 * {@code cdc verify} of a PostgreSQL table against its Elasticsearch index, beside the time to
 * simply read both sides (a plain JDBC {@code SELECT} of every row, streamed, and a {@code _search}
 * scroll of every document with its source), in the same run on the same data. Prints both, and
 * their ratio (target: verify ≤ 1.5 × the plain reads). Run by {@code scripts/bench-verify.sh}.
 *
 * <p>Arguments: PostgreSQL JDBC URL, Elasticsearch URL, rows, runs (each run times both; the best
 * of each is printed).
 */
public final class VerifyBenchmark {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonFactory JSON = new JsonFactory();

    public static void main(String[] args) throws Exception {
        String pg = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/test";
        String es = args.length > 1 ? args[1] : "http://127.0.0.1:9200";
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        String name = "bench_verify_" + Long.toHexString(System.nanoTime() & 0xffffff);
        Path dir = Files.createTempDirectory(name);
        try {
            exec(pg, "CREATE TABLE " + name + " (id bigint PRIMARY KEY, name text, price numeric(12,2), at timestamptz,"
                    + " flag boolean, qty int)",
                    "INSERT INTO " + name + " SELECT g, 'row number ' || g, g * 1.10, timestamptz '2024-01-01 00:00:00+00'"
                            + " + g * interval '1 second', g % 2 = 0, g % 1000 FROM generate_series(1, " + rows + ") g",
                    "ANALYZE " + name);
            Path yaml = Files.writeString(dir.resolve("bench.yaml"), """
                    pipeline: %1$s
                    source: {type: postgres, url: "%2$s", user: postgres, slot: %1$s, tables: [public.%1$s]}
                    sinks:
                      - {name: search, type: elasticsearch, hosts: ["%3$s"], index: "%1$s",
                         index-settings: {number_of_replicas: "0", refresh_interval: "30s"}}
                    checkpoint: {type: file, path: "%4$s"}
                    """.formatted(name, pg, es, dir.resolve("state")));
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

            List<Double> verify = new ArrayList<>();
            List<Double> plain = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                long t0 = System.nanoTime();
                long selected = select(pg, name);
                long t1 = System.nanoTime();
                long scrolled = scroll(es, name);
                long t2 = System.nanoTime();
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                var cl = Cdc.commandLine();
                cl.setOut(new PrintWriter(out, true));
                cl.setErr(new PrintWriter(err, true));
                int code = cl.execute("verify", yaml.toString(), "--sink", "search", "--progress-interval", "0");
                long t3 = System.nanoTime();
                if (code != 0 || selected != rows || scrolled != rows) {
                    throw new IllegalStateException("run " + run + ": verify exit " + code + ", selected " + selected
                            + ", scrolled " + scrolled + "\n" + out + err);
                }
                double s = (t1 - t0) / 1e9;
                double sc = (t2 - t1) / 1e9;
                double v = (t3 - t2) / 1e9;
                plain.add(s + sc);
                verify.add(v);
                System.out.printf("run %d: SELECT %.1f s + _search scroll %.1f s = %.1f s; cdc verify %.1f s (%s)%n",
                        run, s, sc, s + sc, v, out.toString().strip().lines().reduce((a, b) -> b).orElse(""));
            }
            double v = Collections.min(verify);
            double p = Collections.min(plain);
            System.out.printf("%n%,d rows: cdc verify %.1f s (%,.0f rows/s); plain SELECT + scroll %.1f s (%,.0f rows/s);"
                    + " ratio %.2f (target <= 1.5)%n", rows, v, rows / v, p, rows / p, v / p);
        } finally {
            exec(pg, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + name + "'",
                    "DROP PUBLICATION IF EXISTS " + name, "DROP TABLE IF EXISTS " + name);
            http(es, "DELETE", "/" + name + "_v1");
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
        http(es, "DELETE", "/_search/scroll/_all");
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
