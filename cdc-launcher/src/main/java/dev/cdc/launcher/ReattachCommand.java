package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.core.backfill.BackfillRecord;
import dev.cdc.core.runtime.DetachedSinks;
import dev.cdc.core.runtime.OfflineBackfills;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cdc reattach FILE SINK [--backfill [--table T]...]}: brings back a sink that a run detached
 * (its backlog budget was spent under {@code when-full: detach}). When a {@code cdc run} of the
 * pipeline answers on its {@code metrics.port}, it asks that one ({@code POST /sinks/<sink>/reattach}):
 * the sink receives every change from now on. Otherwise it deletes the detached record for the next
 * run. With {@code --backfill} it also queues a backfill of every captured table (the schema
 * history's tables, or those named) into that sink only, which fills what it missed.
 */
@Command(name = "reattach", mixinStandardHelpOptions = true,
        description = {"Re-attaches a detached sink. When `cdc run` of the pipeline answers on metrics.port, it "
                + "re-attaches it there at once: the sink receives every change from now on. Otherwise the next run "
                + "delivers to it again, from the pipeline's checkpoint on.",
            "Prints which changes the sink misses (between where it was detached and the checkpoint). With "
                + "--backfill, queues a backfill of every captured table into that sink only (the other sinks are "
                + "not rewritten), which fills what it missed (now, or at the next run)."})
final class ReattachCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    private Cdc cdc;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline's YAML file.")
    private Path file;

    @Parameters(index = "1", paramLabel = "SINK", description = "The name of the detached sink.")
    private String sink;

    @Option(names = "--backfill", description = "Also queue a backfill of every captured table into this sink only "
            + "(needs a source that can backfill: postgres, mysql).")
    private boolean backfill;

    @Option(names = "--table", paramLabel = "TABLE", description = "With --backfill: backfill this table (repeat for "
            + "more) instead of every table in the pipeline's schema history.")
    private List<String> tables = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for the running launcher's answer. Default: ${DEFAULT-VALUE}.")
    private Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<PipelineSpec> pipeline = PipelineFiles.loadOrReport(file, err, cdc.verbosity());
        if (pipeline.isEmpty()) {
            return ExitCodes.INVALID;
        }
        if (pipeline.get().metrics().port().isPresent()) {
            Optional<Integer> online = reattachRunning(pipeline.get(), out, err);
            if (online.isPresent()) {
                return online.get();
            }
        }
        if (backfill) {
            return reattachWithBackfill(pipeline.get(), out, err);
        }
        Optional<DetachedSinks.Reattached> done;
        try {
            done = DetachedSinks.reattach(pipeline.get(), sink);
        } catch (IllegalArgumentException e) {
            err.println("cdc reattach: " + e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        }
        if (done.isEmpty()) {
            out.println("sink '" + sink + "' of pipeline '" + pipeline.get().name() + "' is not detached; nothing to do");
            out.flush();
            return ExitCodes.OK;
        }
        DetachedSinks.Reattached r = done.get();
        String from = r.checkpoint().map(Checkpoint::position).map(Object::toString).orElse("the source's start");
        out.println("sink '" + sink + "' re-attached: the next run delivers to it from the checkpoint " + from + " on.");
        out.println("It was detached at " + r.detached().since() + " (" + r.detached().reason() + ") at position "
                + r.detached().position() + ": it is MISSING the changes between " + r.detached().position()
                + " and " + from + ". Fill them with `cdc reattach " + file + " " + sink + " --backfill` next "
                + "time, or now with `cdc backfill " + file + " --table T --sink " + sink + "` for each table.");
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * Asks the running {@code cdc run} of the pipeline to re-attach the sink now
     * ({@code POST /sinks/<sink>/reattach}); empty when none answers.
     */
    private Optional<Integer> reattachRunning(PipelineSpec pipeline, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        URI base = BackfillCommand.apiBase(pipeline.metrics());
        ObjectNode body = JSON.createObjectNode();
        body.put("backfill", backfill);
        ArrayNode names = body.putArray("tables");
        if (backfill) {
            tables.forEach(t -> names.add(t.trim()));
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(base.resolve("/sinks/" + sink + "/reattach")).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            err.println("cdc reattach: no `cdc run` answers on " + base + "; re-attaching in the state directory for "
                    + "the next run");
            err.flush();
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(fail(err, "could not ask " + base + ": " + Verbosity.message(e), ExitCodes.CANNOT_START));
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        if (response.statusCode() != 200) {
            String why = answer.path("error").asText("HTTP " + response.statusCode());
            int code = response.statusCode() == 400 || response.statusCode() == 404 ? ExitCodes.INVALID
                    : ExitCodes.FAILED;
            return Optional.of(fail(err, "refused by the running pipeline '" + pipeline.name() + "': " + why, code));
        }
        if (!answer.path("reattached").asBoolean()) {
            out.println("sink '" + sink + "' of the running pipeline '" + pipeline.name() + "' is not detached; nothing "
                    + "to do (to re-read tables into it, use `cdc backfill " + file + " --table T --sink " + sink + "`)");
            out.flush();
            return Optional.of(ExitCodes.OK);
        }
        JsonNode d = answer.path("detached");
        out.println("sink '" + sink + "' re-attached in the running pipeline '" + pipeline.name() + "' (it was detached "
                + "since " + d.path("since").asText() + " at position " + d.path("position") + ": "
                + d.path("reason").asText() + ").");
        out.println("It receives every change after position " + answer.path("from") + " from now on.");
        if (answer.path("backfills").isEmpty()) {
            out.println("It MISSES the changes between " + d.path("position") + " and " + answer.path("from")
                    + ": fill them with `cdc backfill " + file + " --table T --sink " + sink + "` for each table.");
        } else {
            out.println("Backfills into '" + sink + "' only, filling what it missed (`cdc status`, GET "
                    + base + "/backfills):");
            answer.path("backfills").forEach(b -> out.println("  " + b.path("id").asText() + "  "
                    + b.path("table").asText()));
            out.println("Rows deleted from a table while it was detached stay in it: once the backfills are done, "
                    + "`cdc verify " + file + " --sink " + sink + " --repair` removes them.");
        }
        out.flush();
        return Optional.of(ExitCodes.OK);
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println("cdc reattach: " + message);
        err.flush();
        return code;
    }

    private int reattachWithBackfill(PipelineSpec pipeline, PrintWriter out, PrintWriter err) throws Exception {
        Optional<OfflineBackfills.Reattach> done;
        try {
            List<TableId> which = tables.isEmpty() ? OfflineBackfills.capturedTables(pipeline)
                    : tables.stream().map(t -> TableId.parse(t.trim())).toList();
            if (which.isEmpty()) {
                err.println("cdc reattach: the schema history of pipeline '" + pipeline.name() + "' knows no table "
                        + "yet; name the tables with --table");
                err.flush();
                return ExitCodes.INVALID;
            }
            done = OfflineBackfills.reattach(pipeline, sink, which);
        } catch (IllegalArgumentException e) {
            err.println("cdc reattach: " + e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        }
        if (done.isEmpty()) {
            out.println("sink '" + sink + "' of pipeline '" + pipeline.name() + "' is not detached; nothing to do "
                    + "(to re-read tables into it, use `cdc backfill " + file + " --table T --sink " + sink + "`)");
            out.flush();
            return ExitCodes.OK;
        }
        DetachedSinks.Reattached r = done.get().reattached();
        String from = r.checkpoint().map(Checkpoint::position).map(Object::toString).orElse("the source's start");
        out.println("sink '" + sink + "' re-attached (it was detached at " + r.detached().since() + " at position "
                + r.detached().position() + ": " + r.detached().reason() + ").");
        out.println("The next `cdc run " + file + "` streams to it from the checkpoint " + from + " on and backfills, "
                + "into '" + sink + "' only:");
        for (BackfillRecord b : done.get().backfills()) {
            out.println("  " + b.id() + "  " + b.request().table());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
