package dev.cdc.launcher.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code cdc verify} found, printed for people (per table and sink: counts and a sample of
 * keys, with the differing fields) or as JSON ({@code --json}).
 */
public final class VerifyReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String pipeline;
    private final int sample;
    private final List<PairResult> results = new ArrayList<>();
    private final Map<String, String> unreadable;
    private final List<String> repairs = new ArrayList<>();
    private final List<PairResult> afterRepair = new ArrayList<>();

    public VerifyReport(String pipeline, int sample, Map<String, String> unreadable) {
        this.pipeline = pipeline;
        this.sample = sample;
        this.unreadable = Map.copyOf(unreadable);
    }

    public void add(PairResult r) {
        results.add(r);
    }

    public void repair(String line) {
        repairs.add(line);
    }

    public void afterRepair(PairResult r) {
        afterRepair.add(r);
    }

    public List<PairResult> results() {
        return List.copyOf(results);
    }

    /** Whether every compared pair was equal (after a repair and its re-check, those results count). */
    public boolean equal() {
        List<PairResult> last = afterRepair.isEmpty() ? results : merged();
        return last.stream().allMatch(r -> r.equal() || r.skippedReason().isPresent());
    }

    /** Whether some pair could not be compared (an error, no key, a sink that cannot be read back). */
    public boolean incomplete() {
        return !unreadable.isEmpty() || results.stream().anyMatch(r -> r.skippedReason().isPresent());
    }

    private List<PairResult> merged() {
        List<PairResult> out = new ArrayList<>();
        for (PairResult r : results) {
            out.add(afterRepair.stream().filter(a -> a.table().equals(r.table()) && a.sink().equals(r.sink()))
                    .findFirst().orElse(r));
        }
        return out;
    }

    public void printText(PrintWriter out) {
        for (PairResult r : results) {
            printPair(out, r, "");
        }
        unreadable.forEach((sink, why) -> out.println("sink " + sink + ": not compared: " + why));
        repairs.forEach(line -> out.println("repair: " + line));
        for (PairResult r : afterRepair) {
            printPair(out, r, "after repair: ");
        }
        long differing = (afterRepair.isEmpty() ? results : merged()).stream().mapToLong(r -> r.differences().size())
                .sum();
        out.println("cdc verify: pipeline '" + pipeline + "': " + (equal() ? "EQUAL" : "DIFFERENT (" + differing
                + " row(s))") + (incomplete() ? "; some tables or sinks were not compared (see above)" : ""));
        out.flush();
    }

    private void printPair(PrintWriter out, PairResult r, String prefix) {
        String head = prefix + r.table() + " -> " + r.sink() + ": ";
        if (r.skippedReason().isPresent()) {
            out.println(head + "not compared: " + r.skippedReason().get());
            return;
        }
        out.println(head + (r.equal() ? "equal" : "DIFFERENT") + " (" + r.sourceRows() + " source rows in "
                + r.chunks() + " chunks, " + r.chunksDiffering() + " differing; missing " + r.count(Difference.Kind.MISSING)
                + ", extra " + r.count(Difference.Kind.EXTRA) + ", different " + r.count(Difference.Kind.DIFFERENT)
                + (r.recheckedAway() > 0 ? "; " + r.recheckedAway() + " changed while checked and matched on re-check" : "")
                + ")");
        for (Difference.Kind kind : Difference.Kind.values()) {
            List<Difference> of = r.differences().stream().filter(d -> d.kind() == kind).toList();
            if (of.isEmpty()) {
                continue;
            }
            String keys = of.stream().limit(sample).map(d -> key(d) + (d.fields().isEmpty() ? ""
                    : " (" + String.join(", ", d.fields()) + ")")).collect(Collectors.joining(", "));
            out.println("  " + kind.label() + " " + of.size() + ": " + keys + (of.size() > sample ? ", ..." : ""));
        }
    }

    private static String key(Difference d) {
        return d.key().isEmpty() ? "id " + d.id() : "[" + String.join(", ", d.key()) + "]";
    }

    public void printJson(PrintWriter out) {
        ObjectNode root = JSON.createObjectNode();
        root.put("pipeline", pipeline);
        root.put("equal", equal());
        root.put("incomplete", incomplete());
        root.set("results", pairs(results));
        if (!afterRepair.isEmpty()) {
            root.set("after_repair", pairs(afterRepair));
        }
        ArrayNode sinks = root.putArray("unreadable_sinks");
        unreadable.forEach((s, why) -> sinks.addObject().put("sink", s).put("reason", why));
        ArrayNode rep = root.putArray("repairs");
        repairs.forEach(rep::add);
        out.println(root.toPrettyString());
        out.flush();
    }

    private ArrayNode pairs(List<PairResult> list) {
        ArrayNode array = JSON.createArrayNode();
        for (PairResult r : list) {
            array.add(pair(r, sample));
        }
        return array;
    }

    /** One table and sink as the JSON report shows it: counts and up to {@code sample} keys per kind. */
    static ObjectNode pair(PairResult r, int sample) {
        ObjectNode n = JSON.createObjectNode();
        n.put("table", r.table());
        n.put("sink", r.sink());
        if (r.skippedReason().isPresent()) {
            n.put("skipped", r.skippedReason().get());
            return n;
        }
        n.put("equal", r.equal());
        n.put("source_rows", r.sourceRows());
        n.put("chunks", r.chunks());
        n.put("chunks_differing", r.chunksDiffering());
        n.put("rechecked_away", r.recheckedAway());
        r.counts().forEach((k, c) -> n.put(k.label(), c));
        ObjectNode samples = n.putObject("sample");
        for (Difference.Kind kind : Difference.Kind.values()) {
            ArrayNode a = samples.putArray(kind.label());
            r.differences().stream().filter(d -> d.kind() == kind).limit(sample).forEach(d -> {
                ObjectNode e = a.addObject();
                e.put("id", d.id());
                ArrayNode key = e.putArray("key");
                d.key().forEach(key::add);
                if (!d.fields().isEmpty()) {
                    ArrayNode f = e.putArray("fields");
                    d.fields().forEach(f::add);
                }
            });
        }
        return n;
    }
}
