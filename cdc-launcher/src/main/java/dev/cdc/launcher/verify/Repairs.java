package dev.cdc.launcher.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.core.backfill.BackfillJson;
import dev.cdc.core.backfill.BackfillStore;
import dev.cdc.core.runtime.OfflineBackfills;
import dev.cdc.core.spec.PipelineSpec;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code cdc verify --repair}: turns the differences of one table and sink into a key-list
 * {@link BackfillRequest} for that sink only (the source then emits READ for the keys it holds
 * and DELETE for the others, so the sink ends holding what the table holds), and hands it to the
 * running launcher ({@code POST /backfills} on its monitoring endpoint) or, when none answers,
 * queues it in the pipeline's state directory ({@code <state>/backfills/<id>.json}) for the next
 * {@code cdc run}.
 */
public final class Repairs {

    /** Where a request went. */
    public record Submitted(BackfillRequest request, boolean queuedOffline, String where) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PipelineSpec spec;
    private final HttpClient http;
    private final Clock clock;

    public Repairs(PipelineSpec spec, Clock clock) {
        this.spec = spec;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * The request that repairs these differences of the table in the sink; empty when none of them
     * has a source key (an extra id the sink's id scheme does not map back).
     */
    public static Optional<BackfillRequest> request(String id, TableId table, String sink, List<Difference> rows) {
        List<List<String>> keys = new ArrayList<>();
        for (Difference d : rows) {
            if (!d.key().isEmpty()) {
                keys.add(d.key());
            }
        }
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new BackfillRequest(id, table, Optional.empty(), keys, Set.of(sink), Optional.empty()));
    }

    /** A request id: {@code verify-<table>-<sink>-<epoch millis>}, in the characters ids allow. */
    public String newId(TableId table, String sink) {
        return ("verify-" + table.name() + "-" + sink + "-" + clock.millis()).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The body of {@code POST /backfills} for a request: the engine's own JSON of it. */
    public static ObjectNode body(BackfillRequest r) {
        return BackfillJson.request(r);
    }

    /** The launcher's monitoring endpoint, when the pipeline has one. */
    public Optional<URI> launcher() {
        if (spec.metrics().port().isEmpty()) {
            return Optional.empty();
        }
        String host = spec.metrics().host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return Optional.of(URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + spec.metrics().port().getAsInt()));
    }

    /**
     * Sends the request to the running launcher, or queues it offline when none answers.
     *
     * @throws IOException when the launcher refused it (its error is in the message) or the queue cannot be written
     */
    public Submitted submit(BackfillRequest r) throws IOException, InterruptedException {
        Optional<URI> launcher = launcher();
        if (launcher.isPresent()) {
            URI uri = launcher.get().resolve("/backfills");
            try {
                HttpResponse<String> reply = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(r).toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() == 202 || reply.statusCode() == 200) {
                    return new Submitted(r, false, uri.toString());
                }
                throw new IOException("the launcher at " + uri + " refused the repair backfill (HTTP "
                        + reply.statusCode() + "): " + error(reply.body()));
            } catch (ConnectException e) {
                // no launcher runs the pipeline: queue it
            }
        }
        return queue(r);
    }

    private Submitted queue(BackfillRequest r) throws IOException {
        if (BackfillStore.of(spec).isEmpty()) {
            throw new IOException("no launcher answers for pipeline '" + spec.name() + "' (metrics.port "
                    + (spec.metrics().port().isPresent() ? "does not answer" : "is not set") + ") and it has no state"
                    + " directory (its checkpoint store is not 'file') to queue the repair in; start the pipeline with"
                    + " metrics.port set and run verify --repair again");
        }
        try {
            OfflineBackfills.queue(spec, r);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the repair backfill was refused: " + e.getMessage(), e);
        }
        return new Submitted(r, true, BackfillStore.of(spec).orElseThrow().file(r.id()).toString());
    }

    /**
     * Waits until the launcher reports the backfill done or failed.
     *
     * @return its final state ({@code done}, {@code failed: reason}), or {@code timed out}
     */
    public String await(String id, Duration timeout) throws IOException, InterruptedException {
        URI uri = launcher().orElseThrow(() -> new IOException("the pipeline has no metrics.port: cannot wait"))
                .resolve("/backfills/" + id);
        Instant end = clock.instant().plus(timeout);
        while (clock.instant().isBefore(end)) {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() == 200) {
                JsonNode n = JSON.readTree(reply.body());
                String state = n.path("state").asText();
                if (state.equals("done")) {
                    return "done";
                }
                if (state.equals("failed")) {
                    return "failed: " + n.path("error").asText("");
                }
            }
            Thread.sleep(250);
        }
        return "timed out";
    }

    private static String error(String body) {
        try {
            return JSON.readTree(body).path("error").asText(body);
        } catch (IOException e) {
            return body;
        }
    }
}
