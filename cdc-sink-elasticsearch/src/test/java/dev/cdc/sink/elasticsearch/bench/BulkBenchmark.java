package dev.cdc.sink.elasticsearch.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.sink.elasticsearch.ElasticsearchSinkFactory;
import org.apache.http.HttpHost;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Documents/s of 200,000 upserts through the sink beside a raw {@code _bulk} loader: same
 * documents, same bulk size, same number of requests in flight, same index settings, same run.
 * Usage: {@code BulkBenchmark [url] [documents] [bulk-size] [in-flight]}; see scripts/bench-elasticsearch.sh.
 */
public final class BulkBenchmark {

    private static final TableId TABLE = TableId.of("bench", "orders");
    private static final String[] STATUS = {"new", "paid", "shipped", "returned"};

    private BulkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:9200";
        int documents = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int bulkSize = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        String prefix = "bench_" + Long.toHexString(System.nanoTime());
        List<ChangeEvent> events = new ArrayList<>(documents);
        Instant now = Instant.now();
        for (int i = 0; i < documents; i++) {
            Row row = Row.of("id", (long) i, "name", "customer " + (i % 5000), "status", STATUS[i % 4],
                    "amount", BigDecimal.valueOf(i % 100_000, 2), "version", 1L);
            events.add(ChangeEvent.insert(TABLE, Row.of("id", (long) i), row, now, Position.ofSequence(i + 1L)));
        }
        try (RestClient rest = RestClient.builder(HttpHost.create(url)).build()) {
            System.out.printf("documents=%d bulk-size=%d in-flight=%d%n", documents, bulkSize, inFlight);
            // warm up both paths (JIT, connections), then measure in alternating order
            raw(rest, prefix + "_warm_raw", events.subList(0, 20_000), bulkSize, inFlight);
            viaSink(url, prefix + "_warm_sink", events.subList(0, 20_000), bulkSize, inFlight);
            // two rounds, alternating, best of each: the machine is shared, so single runs are noisy
            double rawRate = 0;
            double sinkRate = 0;
            for (int round = 1; round <= 2; round++) {
                double r = raw(rest, prefix + "_raw" + round, events, bulkSize, inFlight);
                double s = viaSink(url, prefix + "_sink" + round, events, bulkSize, inFlight);
                System.out.printf("round %d: raw %,.0f/s, sink %,.0f/s%n", round, r, s);
                rawRate = Math.max(rawRate, r);
                sinkRate = Math.max(sinkRate, s);
            }
            System.out.printf("raw _bulk loader: %,.0f documents/s%n", rawRate);
            System.out.printf("elasticsearch sink: %,.0f documents/s%n", sinkRate);
            System.out.printf("ratio sink/raw: %.2f%n", sinkRate / rawRate);
            for (String suffix : List.of("_warm_raw", "_warm_sink_v1", "_raw1", "_sink1_v1", "_raw2",
                    "_sink2_v1")) {
                try {
                    rest.performRequest(new Request("DELETE", "/" + prefix + suffix));
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    private static void createIndex(RestClient rest, String index) throws Exception {
        Request r = new Request("PUT", "/" + index);
        r.setJsonEntity("{\"settings\":{\"index\":{\"number_of_replicas\":\"0\"}}}");
        rest.performRequest(r);
    }

    /** Plain index actions (no versions), NDJSON built from the same rows. */
    private static double raw(RestClient rest, String index, List<ChangeEvent> events, int bulkSize, int inFlight)
            throws Exception {
        createIndex(rest, index);
        Semaphore window = new Semaphore(inFlight);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        int n = 0;
        for (ChangeEvent e : events) {
            Map<String, Object> row = e.after().orElseThrow().asMap();
            body.write(("{\"index\":{\"_index\":\"" + index + "\",\"_id\":\"" + row.get("id") + "\"}}\n")
                    .getBytes(StandardCharsets.UTF_8));
            Map<String, Object> doc = new java.util.LinkedHashMap<>(row);
            doc.put("amount", ((BigDecimal) doc.get("amount")).toPlainString());
            body.write(mapper.writeValueAsBytes(doc));
            body.write('\n');
            if (++n == bulkSize) {
                send(rest, body.toByteArray(), window, failure);
                body.reset();
                n = 0;
            }
        }
        if (n > 0) {
            send(rest, body.toByteArray(), window, failure);
        }
        window.acquire(inFlight);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw failure.get();
        }
        return events.size() / seconds;
    }

    private static void send(RestClient rest, byte[] body, Semaphore window, AtomicReference<Exception> failure)
            throws InterruptedException {
        window.acquire();
        Request r = new Request("POST", "/_bulk");
        r.addParameter("filter_path", "errors,items.*.status,items.*.error");
        r.setEntity(new ByteArrayEntity(body, ContentType.create("application/x-ndjson")));
        rest.performRequestAsync(r, new ResponseListener() {
            @Override
            public void onSuccess(Response response) {
                window.release();
            }

            @Override
            public void onFailure(Exception e) {
                failure.set(e);
                window.release();
            }
        });
    }

    private static double viaSink(String url, String index, List<ChangeEvent> events, int bulkSize, int inFlight)
            throws Exception {
        ElasticsearchSinkFactory f = new ElasticsearchSinkFactory();
        Configuration options = Configuration.of(f.options(), Map.of("hosts", url, "index", index,
                "index-settings", Map.of("number_of_replicas", "0"), "max-actions", bulkSize, "max-in-flight",
                inFlight, "max-bytes", "100mb"));
        try (Sink sink = f.create(PluginContext.of(options, "bench", "es"))) {
            sink.open();
            long start = System.nanoTime();
            int batch = bulkSize * inFlight * 5; // a lane batch: several bulk requests, then flush
            for (int i = 0; i < events.size(); i += batch) {
                sink.write(events.subList(i, Math.min(events.size(), i + batch)));
                sink.flush();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return events.size() / seconds;
        }
    }
}
