package dev.cdc.source.jdbc.query;

import dev.cdc.api.error.CdcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The keys each table had at the last key scan: what the next scan compares with to report hard
 * deletes. Kept in memory, and (when the pipeline has a state directory) in
 * {@code key-scan-<namespace.table>.txt} once a checkpoint covers every delete the scan reported, so a
 * restart compares with a scan whose deletes all reached the sinks: a delete reported but not yet
 * checkpointed before a crash is reported again, never lost. Source thread only, except
 * {@link #committed}, called from the checkpoint thread.
 */
final class KeyScans {

    private static final Logger LOG = LoggerFactory.getLogger(KeyScans.class);

    private final Optional<Path> directory;
    private final Map<String, Set<List<String>>> last = new HashMap<>();
    /** The emission number of the last event of the newest scan that reported deletes, or -1 when none waits. */
    private long unconfirmed = -1;
    /** A scan that reported no delete changed the keys since the files were saved. */
    private boolean changed;
    private volatile long committed = -1;

    KeyScans(Optional<Path> directory) {
        this.directory = directory;
    }

    /** Replaces the table's keys with {@code now}; returns the keys before (the saved ones after a restart), or null. */
    Set<List<String>> replace(String table, Set<List<String>> now) {
        Set<List<String>> before = last.containsKey(table) ? last.get(table) : load(table);
        last.put(table, now);
        return before;
    }

    /** A scan ended; its deletes (and every earlier scan's) are among the events up to {@code emission}. */
    void scanned(long emission) {
        unconfirmed = emission;
    }

    /**
     * A scan reported no delete (or was the first, with nothing to compare with): its keys can be
     * saved without waiting for a checkpoint, since it holds every key the saved one did (a key it
     * adds that no sink has yet, deleted while the pipeline is down, is then reported as a delete the
     * sink ignores). Without this, the keys of rows read only by the snapshot (whose positions carry
     * no emission number) were never saved, and a row deleted while the pipeline was stopped was
     * never reported.
     */
    void scannedWithoutDeletes() {
        changed = true;
    }

    /** A checkpoint covers the events up to {@code emission} (checkpoint thread). */
    void committed(long emission) {
        committed = Math.max(committed, emission);
    }

    /** Saves the last scan once a checkpoint covers its deletes. */
    void persistIfCovered() {
        boolean waiting = unconfirmed >= 0;
        if (directory.isEmpty() || (waiting && committed < unconfirmed) || (!waiting && !changed)) {
            return;
        }
        try {
            Files.createDirectories(directory.get());
            for (Map.Entry<String, Set<List<String>>> e : last.entrySet()) {
                Path file = file(e.getKey());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                List<String> lines = new ArrayList<>(e.getValue().size());
                for (List<String> key : e.getValue()) {
                    lines.add(String.join(",", key.stream().map(KeyScans::encode).toList()));
                }
                Files.write(tmp, lines, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            unconfirmed = -1;
            changed = false;
        } catch (IOException e) {
            LOG.warn("could not save the key scan in {} (a restart then compares with an older scan): {}",
                    directory.get(), e.toString());
        }
    }

    private Set<List<String>> load(String table) {
        if (directory.isEmpty() || !Files.exists(file(table))) {
            return null;
        }
        try {
            Set<List<String>> keys = new HashSet<>();
            for (String line : Files.readAllLines(file(table), StandardCharsets.UTF_8)) {
                List<String> key = new ArrayList<>();
                for (String part : line.split(",", -1)) {
                    key.add(decode(part));
                }
                keys.add(key);
            }
            return keys;
        } catch (IOException e) {
            throw new CdcException("cannot read the saved key scan " + file(table) + ": " + e.getMessage()
                    + "; remove the file to start the key scans afresh", e);
        }
    }

    private Path file(String table) {
        return directory.orElseThrow().resolve("key-scan-" + table.replaceAll("[^A-Za-z0-9._-]", "_") + ".txt");
    }

    private static String encode(String value) {
        return value == null ? "-" : "=" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String text) {
        return text.equals("-") ? null : new String(Base64.getDecoder().decode(text.substring(1)), StandardCharsets.UTF_8);
    }
}
