package dev.cdc.launcher.verify;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of comparing one table with one sink: counts, the differences that persisted
 * through the re-checks, or why the pair could not be compared. Filled by one thread.
 */
public final class PairResult {

    private final String table;
    private final String sink;
    private Optional<String> skipped = Optional.empty();
    long sourceRows;
    long chunks;
    long chunksDiffering;
    long candidates;
    long recheckedAway;
    final List<Difference> differences = new ArrayList<>();

    PairResult(String table, String sink) {
        this.table = table;
        this.sink = sink;
    }

    /** A pair whose comparison failed. */
    public static PairResult failed(String table, String sink, String error) {
        return skipped(table, sink, "failed: " + error);
    }

    static PairResult skipped(String table, String sink, String reason) {
        PairResult r = new PairResult(table, sink);
        r.skipped = Optional.of(reason);
        return r;
    }

    public String table() {
        return table;
    }

    public String sink() {
        return sink;
    }

    /** Why the pair was not compared (no primary key, the sink cannot be read back, an error). */
    public Optional<String> skippedReason() {
        return skipped;
    }

    public long sourceRows() {
        return sourceRows;
    }

    public long chunks() {
        return chunks;
    }

    public long chunksDiffering() {
        return chunksDiffering;
    }

    /** Rows that differed in the first pass, before the re-checks. */
    public long candidates() {
        return candidates;
    }

    /** Rows that differed in the first pass but not after a re-check (in flight). */
    public long recheckedAway() {
        return recheckedAway;
    }

    public List<Difference> differences() {
        return List.copyOf(differences);
    }

    public long count(Difference.Kind kind) {
        return differences.stream().filter(d -> d.kind() == kind).count();
    }

    /** Count per kind, every kind present. */
    public Map<Difference.Kind, Long> counts() {
        Map<Difference.Kind, Long> m = new EnumMap<>(Difference.Kind.class);
        for (Difference.Kind k : Difference.Kind.values()) {
            m.put(k, count(k));
        }
        return m;
    }

    public boolean equal() {
        return skipped.isEmpty() && differences.isEmpty();
    }
}
