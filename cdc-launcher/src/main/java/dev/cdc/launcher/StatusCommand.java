package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.launcher.monitor.StatusJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code cdc status [--url URL] [--json]}: asks a running {@code cdc run} for its {@code /status}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the status of a running pipeline: its state, events captured, each sink's "
                + "written/queue/lag, the checkpoint, snapshot and backfill progress, and the latest `cdc verify` result of "
                + "each table and sink.",
            "Reads the /status endpoint that `cdc run` serves when metrics.port is set. "
                + "Exits 0 if it answered, 1 if the pipeline is FAILED, 3 if it could not be reached."})
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    private Cdc cdc;

    @Spec
    private CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:9404",
            description = "The pipeline's metrics endpoint. Default: ${DEFAULT-VALUE}.")
    private String url;

    @Option(names = "--json", description = "Print the JSON document as it came.")
    private boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long to wait for an answer. Default: ${DEFAULT-VALUE}.")
    private Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI target;
        try {
            target = statusUri(url);
        } catch (IllegalArgumentException e) {
            err.println("cdc: --url '" + url + "' is not an http URL; write e.g. http://127.0.0.1:9404");
            err.flush();
            return ExitCodes.INVALID;
        }
        HttpResponse<String> response;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
            response = client.send(HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            String why = e instanceof HttpTimeoutException ? "no answer within " + timeout.toMillis() + " ms"
                    : e instanceof ConnectException ? "connection refused" : Verbosity.message(e);
            err.println("cdc: could not reach " + target + ": " + why
                    + "; is `cdc run` running there with metrics.port set?");
            if (cdc.verbosity().isVerbose()) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.CANNOT_START;
        }
        Optional<ObjectNode> doc = StatusJson.parse(response.body());
        if (response.statusCode() != 200 || doc.isEmpty()) {
            err.println("cdc: " + target + " answered HTTP " + response.statusCode()
                    + (doc.isEmpty() ? " without a status document" : "") + "; is it a cdc endpoint?");
            err.flush();
            return ExitCodes.CANNOT_START;
        }
        out.print(json ? response.body() + System.lineSeparator() : render(doc.get()));
        out.flush();
        return "FAILED".equals(doc.get().path("state").asText()) ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /** {@code http://host:port} or {@code http://host:port/status} to the status URI. */
    static URI statusUri(String url) {
        String u = url.trim();
        if (!u.contains("://")) {
            u = "http://" + u;
        }
        URI uri = URI.create(u);
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http URL: " + url);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.endsWith("/status")) {
            return uri;
        }
        String base = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        return URI.create(base + "/status");
    }

    /** The status document as text, one fact per line. */
    static String render(JsonNode s) {
        StringBuilder sb = new StringBuilder();
        String nl = System.lineSeparator();
        sb.append("pipeline ").append(s.path("pipeline").asText()).append(": ").append(s.path("state").asText())
                .append(" (up ").append(seconds(s.path("uptime_seconds"))).append(')').append(nl);
        if (s.hasNonNull("failure")) {
            sb.append("failure: ").append(s.path("failure").asText()).append(nl);
        }
        sb.append("events captured: ").append(s.path("events_captured").asLong()).append(nl);
        JsonNode cp = s.path("checkpoint");
        if (cp.isObject()) {
            sb.append("checkpoint: ").append(offsets(cp.path("position"))).append(", saved ")
                    .append(seconds(cp.path("age_seconds"))).append(" ago").append(nl);
        } else {
            sb.append("checkpoint: none yet").append(nl);
        }
        sb.append("sinks:").append(nl);
        for (JsonNode k : s.path("sinks")) {
            sb.append("  ").append(k.path("name").asText()).append(" (").append(k.path("type").asText())
                    .append("): written ").append(k.path("written").asLong())
                    .append(", queue ").append(k.path("queue_depth").asLong())
                    .append(", lag ").append(seconds(k.path("lag_seconds")))
                    .append(", retries ").append(k.path("retries").asLong())
                    .append(", failed ").append(k.path("failed").asLong())
                    .append(", dead-lettered ").append(k.path("dead_lettered").asLong())
                    .append(", skipped ").append(k.path("skipped").asLong());
            JsonNode schema = k.path("schema_changes");
            if (schema.isObject()) {
                sb.append(", schema changes applied ").append(schema.path("applied").asLong())
                        .append(" / ignored ").append(schema.path("ignored").asLong())
                        .append(" / stopped ").append(schema.path("stopped").asLong());
            }
            if (k.hasNonNull("state")) {
                sb.append(", ").append(k.path("state").asText());
            }
            if (k.path("backlog_events").asLong() > 0) {
                sb.append(", backlog ").append(k.path("backlog_events").asLong()).append(" events / ")
                        .append(k.path("backlog_bytes").asLong()).append(" bytes, oldest ")
                        .append(seconds(k.path("backlog_age_seconds")));
            }
            if (k.path("lag_alert").asBoolean()) {
                sb.append("  LAG ALERT");
            }
            JsonNode outage = k.path("outage");
            if (outage.isObject()) {
                sb.append(nl).append("    target unreachable since ").append(outage.path("since").asText())
                        .append(": ").append(outage.path("last_error").asText());
            }
            JsonNode detached = k.path("detached");
            if (detached.isObject()) {
                sb.append(nl).append("    DETACHED since ").append(detached.path("since").asText()).append(" at ")
                        .append(offsets(detached.path("position"))).append(": ").append(detached.path("reason").asText());
            }
            sb.append(nl);
            for (JsonNode h : schema.path("held")) {
                sb.append("    SCHEMA CHANGE HELD (schema-policy manual): ").append(h.path("table").asText()).append(" v")
                        .append(h.path("version").asInt()).append(": ").append(h.path("changes").asText())
                        .append("; the sink waits there since ").append(h.path("held_at").asText()).append(nl);
                for (JsonNode st : h.path("statements")) {
                    sb.append("      ").append(st.asText()).append(nl);
                }
                sb.append("      approve: ").append(h.path("approve").asText()).append(nl)
                        .append("      reject:  ").append(h.path("reject").asText()).append(nl);
            }
        }
        if (s.hasNonNull("source_waiting_on")) {
            sb.append("source waiting on sink ").append(s.path("source_waiting_on").asText()).append(nl);
        }
        if (!s.path("snapshot").isEmpty()) {
            sb.append("snapshot:").append(nl);
            for (JsonNode t : s.path("snapshot")) {
                sb.append("  ").append(t.path("table").asText()).append(": ").append(t.path("rows_read").asLong());
                if (t.path("finished").asBoolean()) {
                    sb.append(" rows, done");
                } else if (t.hasNonNull("rows_estimated")) {
                    sb.append(" of ~").append(t.path("rows_estimated").asLong()).append(" rows");
                } else {
                    sb.append(" rows");
                }
                sb.append(nl);
            }
        }
        if (!s.path("backfills").isEmpty()) {
            sb.append("backfills:").append(nl);
            for (JsonNode b : s.path("backfills")) {
                sb.append("  ").append(BackfillCommand.line(b)).append(nl);
            }
        }
        if (!s.path("verify").isEmpty()) {
            sb.append("verify (latest `cdc verify` of each table and sink):").append(nl);
            for (JsonNode v : s.path("verify")) {
                verifyLines(sb, v, nl);
            }
        }
        return sb.toString();
    }

    /** One table and sink's latest verify result: the verdict on one line, then a sample of keys per kind. */
    private static void verifyLines(StringBuilder sb, JsonNode v, String nl) {
        sb.append("  ").append(v.path("table").asText()).append(" -> ").append(v.path("sink").asText()).append(": ");
        if (v.hasNonNull("skipped")) {
            sb.append("not compared: ").append(v.path("skipped").asText());
        } else {
            sb.append(v.path("equal").asBoolean() ? "equal" : "DIFFERENT").append(" (")
                    .append(v.path("source_rows").asLong()).append(" rows; missing ").append(v.path("missing").asLong())
                    .append(", extra ").append(v.path("extra").asLong()).append(", different ")
                    .append(v.path("different").asLong()).append(')');
        }
        sb.append(", ").append(v.path("finished_at").asText()).append(" (")
                .append(seconds(v.path("age_seconds"))).append(" ago, took ")
                .append(seconds(v.path("duration_seconds"))).append(')').append(nl);
        JsonNode found = v.path("found");
        if (v.hasNonNull("repair")) {
            sb.append("    repair: ").append(v.path("repair").asText());
            if (found.isObject()) {
                sb.append(" (found missing ").append(found.path("missing").asLong()).append(", extra ")
                        .append(found.path("extra").asLong()).append(", different ")
                        .append(found.path("different").asLong()).append(v.path("after_repair").isObject()
                                ? "; counts above are after the repair's re-check)" : ")");
            }
            sb.append(nl);
        }
        for (String kind : List.of("missing", "extra", "different")) {
            JsonNode sample = v.path("sample").path(kind);
            if (sample.isEmpty()) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            sample.forEach(d -> keys.add(d.path("key").isEmpty() ? "id " + d.path("id").asText()
                    : d.path("key").toString()));
            sb.append("    ").append(kind).append(" e.g. ").append(String.join(", ", keys)).append(nl);
        }
    }

    private static String seconds(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.1fs", n.asDouble()) : "?";
    }

    private static String offsets(JsonNode position) {
        StringBuilder sb = new StringBuilder("{");
        for (Iterator<Map.Entry<String, JsonNode>> it = position.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sb.append(e.getKey()).append('=').append(e.getValue().asText());
            if (it.hasNext()) {
                sb.append(", ");
            }
        }
        return sb.append('}').toString();
    }
}
