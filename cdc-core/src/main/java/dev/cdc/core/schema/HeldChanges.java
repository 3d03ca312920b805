package dev.cdc.core.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.schema.store.DurableFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The schema changes one sink under {@code schema-policy: manual} holds, and the operator's
 * decisions, as files in the pipeline's state directory, {@code schema-pending/<sink>/}:
 * <ul>
 *   <li>{@code <table>-v<version>.json}: a held change (the table, the source's schema version, the
 *   position, the changes, the statements the sink would run, when it was held), written by the lane
 *   when it stops at the change, removed once the change is resolved;</li>
 *   <li>{@code <table>-v<version>.approved} or {@code .rejected}: the decision, written by
 *   {@code cdc schema approve} / {@code reject} (atomically, so the lane that polls for it never
 *   reads half a file). An approval is removed once the sink applied the change; a rejection
 *   stays, so that a replay of the change after a restart is skipped again without asking.</li>
 * </ul>
 * Both the lane thread and the launcher's commands use it; every write replaces a whole file
 * atomically ({@link DurableFiles}), and the two never write the same file.
 */
public final class HeldChanges {

    /** The operator's answer to a held change. */
    public enum Verdict {
        /** Apply the change to the sink (as {@code evolve} would). */
        APPROVED,
        /** Do not apply it: the sink keeps its schema and its rows lose the new columns (as {@code ignore}). */
        REJECTED;

        String suffix() {
            return "." + name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A held change.
     *
     * @param sink       the sink that holds it
     * @param table      the source table
     * @param version    the source's schema version after the change (what {@code cdc schema history} lists)
     * @param position   where it took effect in the source's log
     * @param changes    the changes against what the sink has, with their compatibility verdicts
     * @param statements what the sink would run (SQL, mapping requests), or why it cannot say
     * @param heldAt     when the lane first stopped at it
     * @param verdict    the decision, once made
     */
    public record Held(String sink, TableId table, int version, Position position, String changes,
                       List<String> statements, Instant heldAt, Optional<Verdict> verdict) {

        public Held {
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(position, "position");
            Objects.requireNonNull(changes, "changes");
            statements = List.copyOf(statements);
            Objects.requireNonNull(heldAt, "heldAt");
            Objects.requireNonNull(verdict, "verdict");
        }

        /** The command that approves it ({@code FILE} standing for the pipeline's YAML file). */
        public String approveCommand() {
            return command("approve");
        }

        /** The command that rejects it. */
        public String rejectCommand() {
            return command("reject");
        }

        private String command(String verb) {
            return "cdc schema " + verb + " FILE " + sink + " " + version + " --table " + table;
        }

        /** {@code sink 'replica' holds public.items v2 at {lsn=...}: add column extra int32 (FULL)}. */
        public String describe() {
            return "sink '" + sink + "' holds " + table + " v" + version + " at " + position + ": " + changes;
        }

        Held withVerdict(Optional<Verdict> v) {
            return new Held(sink, table, version, position, changes, statements, heldAt, v);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String HELD = ".json";

    private final String sink;
    private final Path directory;

    private HeldChanges(String sink, Path directory) {
        this.sink = sink;
        this.directory = directory;
    }

    /** The held changes of {@code sink} in a pipeline's state directory. */
    public static HeldChanges in(Path stateDirectory, String sink) {
        return new HeldChanges(Objects.requireNonNull(sink, "sink"),
                stateDirectory.resolve("schema-pending").resolve(sink));
    }

    public Path directory() {
        return directory;
    }

    /** Records a held change, unless it is already recorded (a restart holding it again keeps the first). */
    public Held hold(Held held) {
        Path file = file(held.table(), held.version(), HELD);
        Optional<Held> known = read(file);
        if (known.isPresent()) {
            return known.get();
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("sink", held.sink());
        n.put("table", held.table().toString());
        n.put("version", held.version());
        ObjectNode position = n.putObject("position");
        held.position().offsets().forEach(position::put);
        n.put("sort_key", held.position().sortKey());
        n.put("changes", held.changes());
        held.statements().forEach(n.putArray("statements")::add);
        n.put("held_at", held.heldAt().toString());
        n.put("approve", held.approveCommand());
        n.put("reject", held.rejectCommand());
        write(file, n);
        return held;
    }

    /** The decision recorded for a change, if any. */
    public Optional<Verdict> verdict(TableId table, int version) {
        for (Verdict v : Verdict.values()) {
            if (Files.exists(file(table, version, v.suffix()))) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /**
     * Records the decision for a held change (as {@code cdc schema approve}/{@code reject} do).
     *
     * @throws CdcException when the other decision was already recorded
     */
    public void decide(TableId table, int version, Verdict verdict) {
        Optional<Verdict> known = verdict(table, version);
        if (known.isPresent() && known.get() != verdict) {
            throw new CdcException(table + " v" + version + " of sink '" + sink + "' was already "
                    + known.get().name().toLowerCase(Locale.ROOT) + " (" + file(table, version, known.get().suffix())
                    + "); a decision is final once made");
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("decision", verdict.name().toLowerCase(Locale.ROOT));
        n.put("decided_at", Instant.now().toString());
        write(file(table, version, verdict.suffix()), n);
    }

    /**
     * A held change is resolved: its record goes; an approval goes too (the sink has the change
     * now), a rejection stays for replays.
     */
    public void resolved(TableId table, int version, Verdict verdict) {
        try {
            Files.deleteIfExists(file(table, version, HELD));
            if (verdict == Verdict.APPROVED) {
                Files.deleteIfExists(file(table, version, verdict.suffix()));
            }
            DurableFiles.fsyncDirectory(directory);
        } catch (IOException e) {
            throw new CdcException("cannot remove the record of the held change " + table + " v" + version
                    + " of sink '" + sink + "' from " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Every change recorded as held, with its decision if one was made, by table and version. */
    public List<Held> held() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Held> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(HELD)).toList()) {
                read(f).ifPresent(h -> out.add(h.withVerdict(verdict(h.table(), h.version()))));
            }
        } catch (IOException e) {
            throw new CdcException("cannot list the held schema changes of sink '" + sink + "' in " + directory
                    + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Held::table).thenComparingInt(Held::version));
        return out;
    }

    private Optional<Held> read(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CdcException("cannot read the held schema change " + file + ": " + e.getMessage()
                    + "; remove the file (the sink's lane records it again when it reaches the change)", e);
        }
        Map<String, String> offsets = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("position").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            offsets.put(e.getKey(), e.getValue().asText());
        }
        List<String> statements = new ArrayList<>();
        n.path("statements").forEach(s -> statements.add(s.asText()));
        return Optional.of(new Held(n.path("sink").asText(sink), TableId.parse(n.path("table").asText()),
                n.path("version").asInt(), Position.of(offsets, n.path("sort_key").asText()),
                n.path("changes").asText(), statements, Instant.parse(n.path("held_at").asText()), Optional.empty()));
    }

    private void write(Path file, ObjectNode n) {
        try {
            Files.createDirectories(directory);
            DurableFiles.replace(file, JSON.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new CdcException("cannot write " + file + ": " + e.getMessage()
                    + "; check the disk space and permissions of the state directory", e);
        }
    }

    /** {@code public.items-v2.json}; characters a file name cannot hold become {@code _}. */
    private Path file(TableId table, int version, String suffix) {
        return directory.resolve(table.toString().replaceAll("[^A-Za-z0-9._-]", "_") + "-v" + version + suffix);
    }

    @Override
    public String toString() {
        return "held schema changes of sink '" + sink + "' in " + directory;
    }
}
