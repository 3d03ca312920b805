package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.core.backfill.BackfillJson;
import dev.cdc.core.backfill.BackfillRecord;
import dev.cdc.core.backfill.BackfillStore;
import dev.cdc.core.runtime.OfflineBackfills;
import dev.cdc.core.spec.MetricsSettings;
import dev.cdc.core.spec.PipelineSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cdc backfill FILE --table T [--where SQL] [--key K]... [--keys-file F] [--sink S]... [--wait]}:
 * asks the running launcher of the pipeline (its HTTP API, found from the file's {@code metrics.host}
 * and {@code metrics.port}) to re-read rows while the stream goes on; when none runs, queues the
 * request in the pipeline's state directory for the next {@code cdc run}.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Re-reads a table (or a key range, a condition, a list of keys) while the stream goes on, "
                + "into every sink or only the sinks named. Backfilled rows never overwrite newer streamed ones.",
            "Asks the running `cdc run` of the pipeline (POST /backfills on metrics.host:metrics.port); when none "
                + "runs, queues the request in the pipeline's state directory and the next `cdc run` does it.",
            "Exits 0 when queued (with --wait: when done), 1 when it failed, 2 when refused (unknown table or sink, "
                + "a source that cannot backfill), 3 when the pipeline stopped while waiting."})
final class BackfillCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    private Cdc cdc;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline's YAML file.")
    private Path file;

    @Option(names = "--table", required = true, paramLabel = "TABLE",
            description = "The table, as schema.name (e.g. public.orders).")
    private String table;

    @Option(names = "--where", paramLabel = "SQL", description = "An SQL condition on the table's columns: only rows "
            + "matching it are read. With --key: only the listed keys whose rows match (a listed key whose row does "
            + "not match is left as it is in the sinks; a listed key the table no longer holds is deleted).")
    private String where;

    @Option(names = "--key", paramLabel = "K1[,K2...]", description = "Read exactly this key (its primary-key "
            + "values in key order, comma-separated); repeat for more. A key the table no longer holds is deleted "
            + "from the sinks.")
    private List<String> keys = new ArrayList<>();

    @Option(names = "--keys-file", paramLabel = "FILE", description = "Keys to read, one per line, like --key.")
    private Path keysFile;

    @Option(names = "--sink", paramLabel = "SINK", description = "Write only to this sink; repeat for more. "
            + "Default: every sink.")
    private List<String> sinks = new ArrayList<>();

    @Option(names = "--id", paramLabel = "ID", description = "The request's id. Default: <table>-<random>.")
    private String id;

    @Option(names = "--wait", description = "Print progress until the backfill is done or failed.")
    private boolean waitDone;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long to wait for each answer of the launcher. Default: ${DEFAULT-VALUE}.")
    private Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<PipelineSpec> pipeline = PipelineFiles.loadOrReport(file, err, cdc.verbosity());
        if (pipeline.isEmpty()) {
            return ExitCodes.INVALID;
        }
        BackfillRequest request;
        try {
            request = request();
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage(), ExitCodes.INVALID);
        } catch (IOException e) {
            return fail(err, "cannot read --keys-file " + keysFile + ": " + Verbosity.message(e), ExitCodes.INVALID);
        }
        MetricsSettings m = pipeline.get().metrics();
        if (m.port().isEmpty()) {
            return queueOffline(pipeline.get(), request, out, err, "the pipeline file sets no metrics.port, so no "
                    + "running `cdc run` can be asked");
        }
        URI base = apiBase(m);
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(base.resolve("/backfills")).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BackfillJson.request(request).toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            return queueOffline(pipeline.get(), request, out, err, "no `cdc run` answers on " + base);
        } catch (IOException e) {
            return fail(err, "could not ask " + base + ": " + Verbosity.message(e), ExitCodes.CANNOT_START);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() != 202) {
            String why = answer.path("error").asText("HTTP " + response.statusCode());
            return fail(err, "refused by the running pipeline '" + pipeline.get().name() + "': " + why,
                    response.statusCode() == 400 || response.statusCode() == 409 ? ExitCodes.INVALID : ExitCodes.FAILED);
        }
        String queued = answer.path("id").asText(request.id());
        out.println("backfill " + queued + " of " + request.table() + " queued in the running pipeline '"
                + pipeline.get().name() + "' (" + base + "/backfills/" + queued + ")");
        out.flush();
        return waitDone ? await(client, base.resolve("/backfills/" + queued), out, err) : ExitCodes.OK;
    }

    /** Where the running {@code cdc run} of a pipeline answers: its {@code metrics.host} and {@code metrics.port}. */
    static URI apiBase(MetricsSettings m) {
        String host = m.host().equals("0.0.0.0") ? "127.0.0.1" : m.host().contains(":") ? "[" + m.host() + "]" : m.host();
        return URI.create("http://" + host + ":" + m.port().orElseThrow());
    }

    private BackfillRequest request() throws IOException {
        TableId t = TableId.parse(table.trim());
        List<List<String>> all = new ArrayList<>();
        keys.forEach(k -> all.add(key(k)));
        if (keysFile != null) {
            for (String line : Files.readAllLines(keysFile)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    all.add(key(line));
                }
            }
        }
        String rid = id == null ? BackfillStore.newId(t) : BackfillStore.checkId(id);
        return new BackfillRequest(rid, t, Optional.ofNullable(where).filter(w -> !w.isBlank()), all,
                new LinkedHashSet<>(sinks), Optional.empty());
    }

    private static List<String> key(String text) {
        List<String> values = new ArrayList<>();
        for (String v : text.split(",", -1)) {
            values.add(v.trim());
        }
        return values;
    }

    private int queueOffline(PipelineSpec pipeline, BackfillRequest request, PrintWriter out, PrintWriter err,
                             String why) throws Exception {
        BackfillRecord r;
        try {
            r = OfflineBackfills.queue(pipeline, request);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Backfills.Refused is an IllegalArgumentException: unknown or detached sink, cannot backfill
            return fail(err, e.getMessage(), ExitCodes.INVALID);
        }
        out.println("backfill " + r.id() + " of " + request.table() + " queued in "
                + BackfillStore.of(pipeline).orElseThrow().file(r.id()) + " (" + why + "); it runs at the next "
                + "`cdc run " + file + "`" + (waitDone ? "; --wait has nothing to wait for" : ""));
        out.flush();
        return ExitCodes.OK;
    }

    /** Polls the request until it is done or failed, printing each change of its progress. */
    private int await(HttpClient client, URI uri, PrintWriter out, PrintWriter err) throws InterruptedException {
        String last = "";
        while (true) {
            JsonNode s;
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                s = parse(r.body());
            } catch (IOException e) {
                return fail(err, "the pipeline stopped answering (" + Verbosity.message(e) + "); the backfill resumes "
                        + "after its last durable chunk at the next `cdc run`", ExitCodes.CANNOT_START);
            }
            String line = line(s);
            if (!line.equals(last)) {
                out.println(line);
                out.flush();
                last = line;
            }
            String state = s.path("state").asText();
            if (state.equals("done")) {
                return ExitCodes.OK;
            }
            if (state.equals("failed")) {
                return ExitCodes.FAILED;
            }
            Thread.sleep(1000);
        }
    }

    /** One backfill's status on one line, as {@code cdc status} and {@code --wait} print it. */
    static String line(JsonNode s) {
        StringBuilder sb = new StringBuilder();
        sb.append(s.path("id").asText()).append(' ').append(s.path("table").asText()).append(" -> ");
        List<String> to = new ArrayList<>();
        s.path("sinks").forEach(n -> to.add(n.asText()));
        sb.append(to.isEmpty() ? "every sink" : String.join(", ", to)).append(": ").append(s.path("state").asText())
                .append(", ").append(s.path("rows").asLong());
        long est = s.path("rows_estimated").asLong(-1);
        sb.append(est >= 0 ? " of ~" + est + " rows" : " rows");
        if (s.path("rate").asDouble() > 0) {
            sb.append(String.format(Locale.ROOT, ", %.0f rows/s", s.path("rate").asDouble()));
        }
        if (s.hasNonNull("eta_seconds")) {
            sb.append(", ETA ").append(s.path("eta_seconds").asLong()).append(" s");
        }
        if (s.hasNonNull("error")) {
            sb.append(": ").append(s.path("error").asText());
        }
        return sb.toString();
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println("cdc backfill: " + message);
        err.flush();
        return code;
    }
}
