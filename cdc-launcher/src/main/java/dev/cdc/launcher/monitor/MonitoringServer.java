package dev.cdc.launcher.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The HTTP endpoint of a running pipeline (JDK {@code HttpServer}, one daemon thread):
 * <ul>
 *   <li>{@code GET /metrics}: every meter in the Prometheus text format</li>
 *   <li>{@code GET /health}: {@link Health} as JSON; 200 while UP or DEGRADED, 503 when DOWN</li>
 *   <li>{@code GET /status}: {@link StatusJson#status} (state, per-sink counters and lag, checkpoint, snapshot,
 *   backfills, the latest verify results)</li>
 *   <li>{@code POST /backfills}, {@code GET /backfills}, {@code GET /backfills/<id>}: {@link BackfillApi}</li>
 *   <li>{@code POST /sinks/<name>/reattach}: {@link SinkApi}</li>
 *   <li>{@code POST /verify}: starts a {@code cdc verify} of the pipeline ({@link #onVerify}): 202, or 409 while one
 *   runs; its results show in {@code /status} and the metrics</li>
 * </ul>
 * Other paths answer 404, other methods 405 (POST only to {@code /backfills}, {@code /sinks/<name>/reattach}
 * and {@code /verify}). {@link #close()} is idempotent. Thread-safe.
 */
public final class MonitoringServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final PipelineObserver observer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile BooleanSupplier verify;

    private MonitoringServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry,
                             PipelineObserver observer) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.observer = observer;
    }

    /**
     * Binds {@code host:port} (0: any free port) and starts serving.
     *
     * @throws IOException when the address cannot be bound (the port is taken, the host is not local)
     */
    public static MonitoringServer start(String host, int port, PrometheusMeterRegistry registry,
                                         PipelineObserver observer) throws IOException {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(observer, "observer");
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-http");
            t.setDaemon(true);
            return t;
        });
        observer.verifyResults().bindTo(registry);
        MonitoringServer m = new MonitoringServer(server, executor, registry, observer);
        server.createContext("/", m::handle);
        server.setExecutor(executor);
        server.start();
        return m;
    }

    /**
     * What {@code POST /verify} does: starts a verify, false when one is under way (409). Without it,
     * {@code POST /verify} answers 404.
     */
    public void onVerify(BooleanSupplier startVerify) {
        this.verify = startVerify;
    }

    /** Where it listens: {@code http://127.0.0.1:9404}. */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + a.getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (method.equals("POST") && (path.equals("/verify") || path.equals("/verify/"))) {
                BooleanSupplier v = verify;
                BackfillApi.Answer a = v == null ? BackfillApi.error(404, "this launcher runs no verify")
                        : v.getAsBoolean() ? new BackfillApi.Answer(202, "{\"started\":true,\"results\":\"/status\"}")
                        : BackfillApi.error(409, "a verify is under way; its results show in /status when it ends");
                send(exchange, a.status(), JSON, a.body(), false);
                return;
            }
            if (method.equals("POST") && SinkApi.handles(path)) {
                byte[] body = exchange.getRequestBody().readNBytes(64 * 1024);
                BackfillApi.Answer a = SinkApi.post(observer, path, new String(body, StandardCharsets.UTF_8));
                send(exchange, a.status(), JSON, a.body(), false);
                return;
            }
            if (method.equals("POST") && BackfillApi.handles(path)) {
                byte[] body = exchange.getRequestBody().readNBytes(BackfillApi.MAX_BODY + 1);
                BackfillApi.Answer a = body.length > BackfillApi.MAX_BODY
                        ? BackfillApi.error(413, "the request is larger than " + BackfillApi.MAX_BODY + " bytes")
                        : BackfillApi.post(observer.backfills(), path, new String(body, StandardCharsets.UTF_8));
                send(exchange, a.status(), JSON, a.body(), false);
                return;
            }
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, JSON, "{\"error\":\"only GET and HEAD\"}", false);
                return;
            }
            switch (path) {
                case "/metrics" -> {
                    observer.verifyResults().refresh();
                    send(exchange, 200, PROMETHEUS_TEXT, registry.scrape(), head);
                }
                case "/health", "/health/" -> {
                    Health h = observer.health();
                    send(exchange, h.httpStatus(), JSON,
                            StatusJson.text(StatusJson.health(observer.pipelineName(), h)), head);
                }
                case "/status", "/status/" -> send(exchange, 200, JSON, StatusJson.text(StatusJson.status(observer)),
                        head);
                default -> {
                    if (BackfillApi.handles(path)) {
                        BackfillApi.Answer a = BackfillApi.get(observer.backfills(), path);
                        send(exchange, a.status(), JSON, a.body(), head);
                    } else {
                        send(exchange, 404, JSON, "{\"error\":\"no such path\",\"paths\":[\"/metrics\",\"/health\","
                                + "\"/status\",\"/backfills\"]}", head);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("answering {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body, boolean head)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (head) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops listening at once (no request is worth delaying the exit for). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
