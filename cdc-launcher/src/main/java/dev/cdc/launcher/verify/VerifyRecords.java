package dev.cdc.launcher.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.schema.store.DurableFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The latest {@code cdc verify} result of each table and sink, kept in the pipeline's state
 * directory ({@code <state>/verify/<sink>/<table>.json}, names URL-encoded; written durably:
 * temporary file, fsync, rename), so the running {@code cdc run} shows them in {@code /status} and
 * as metrics. A record is the pair's JSON of the {@code --json} report plus:
 * {@code finished_at}, {@code duration_seconds}, {@code found} (the counts of the first pass),
 * {@code missing} / {@code extra} / {@code different} (what is left: after the repair's re-check
 * when {@code --repair --wait} made one, else what was found), {@code equal} (the same verdict),
 * {@code repair} (what the repair did, or null) and {@code after_repair} (the re-check's counts, or
 * null). A pair that could not be compared has {@code skipped} and no counts.
 */
public final class VerifyRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;

    /** The records under {@code <stateDirectory>/verify}. */
    public VerifyRecords(Path stateDirectory) {
        this.directory = stateDirectory.resolve("verify");
    }

    /** The pipeline's records; empty when it has no state directory (its checkpoint store is not 'file'). */
    public static Optional<VerifyRecords> of(PipelineSpec spec) {
        return spec.stateDirectory().map(VerifyRecords::new);
    }

    public Path directory() {
        return directory;
    }

    /** The file of one table and sink. */
    public Path file(String table, String sink) {
        return directory.resolve(encode(sink)).resolve(encode(table) + ".json");
    }

    /**
     * Records the outcome of one table and sink, replacing the earlier one.
     *
     * @param found       the comparison
     * @param afterRepair the re-check of the repaired keys ({@code --repair --wait}), if one was made
     * @param repair      what the repair did, if it was asked
     * @param sample      how many keys to keep per kind of difference
     */
    public void save(PairResult found, Optional<PairResult> afterRepair, Optional<String> repair, Instant finishedAt,
                     Duration took, int sample) {
        ObjectNode n = VerifyReport.pair(found, sample);
        n.put("finished_at", finishedAt.toString());
        n.put("duration_seconds", took.toMillis() / 1000.0);
        if (found.skippedReason().isEmpty()) {
            ObjectNode first = n.putObject("found");
            found.counts().forEach((k, c) -> first.put(k.label(), c));
            PairResult last = afterRepair.orElse(found);
            last.counts().forEach((k, c) -> n.put(k.label(), c));
            n.put("equal", last.equal());
        }
        n.put("repair", repair.orElse(null));
        if (afterRepair.isPresent()) {
            ObjectNode a = n.putObject("after_repair");
            afterRepair.get().counts().forEach((k, c) -> a.put(k.label(), c));
            a.put("equal", afterRepair.get().equal());
        } else {
            n.putNull("after_repair");
        }
        Path file = file(found.table(), found.sink());
        try {
            Files.createDirectories(file.getParent());
            DurableFiles.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the verify record " + file, e);
        }
    }

    /** Every record, by sink then table; a file that cannot be read is skipped. */
    public List<ObjectNode> list() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<ObjectNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory, 2)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted(Comparator.naturalOrder()).toList()) {
                try {
                    JsonNode n = JSON.readTree(f.toFile());
                    if (n instanceof ObjectNode o && o.hasNonNull("table") && o.hasNonNull("sink")) {
                        out.add(o);
                    }
                } catch (IOException e) {
                    // being replaced, or damaged: the next read sees the new one
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }
}
