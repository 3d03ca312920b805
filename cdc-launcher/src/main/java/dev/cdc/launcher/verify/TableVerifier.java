package dev.cdc.launcher.verify;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.verify.RowReader;
import dev.cdc.api.verify.SinkReader;
import dev.cdc.api.verify.SourceRow;
import dev.cdc.api.verify.StoredRow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Compares one table with one sink. First pass: the source's rows in key-ordered chunks; per
 * chunk, what the sink would store for each row (its own codec) and what it stores, as
 * {@link ChunkChecksums}; a differing chunk is narrowed to its keys. What the sink stores comes
 * from one {@linkplain SinkReader#scan scan} of the table when the sink can scan and holds at most
 * {@code scanLimit} rows of it (the ids no source row claimed are the extra rows), else by id
 * per chunk (then extra rows: when the sink's count equals the rows found there are none,
 * otherwise its ids are listed and looked up in the source). Then the re-checks: every candidate
 * is read again on both sides after {@code settle} (the time a change takes through the
 * pipeline), up to {@code rechecks} times; only a row that differs every time is reported, so
 * rows changing while the check runs are not false differences. Used by one thread.
 */
public final class TableVerifier {

    /** How the comparison runs. */
    public record Settings(int chunkSize, Duration settle, int rechecks, long scanLimit) {
        public Settings {
            if (chunkSize < 1) {
                throw new IllegalArgumentException("chunk size must be > 0");
            }
            Objects.requireNonNull(settle, "settle");
        }
    }

    /** Progress of the first pass: rows compared so far. */
    public interface Progress {
        void rows(TableId table, String sink, long rows, long differing);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Source chunks read ahead while the sink is scanned. */
    private static final int SCAN_AHEAD = 8;
    /** Scanned rows handed to the table of held digests at once. */
    private static final int SCAN_BATCH = 1000;

    private final RowReader source;
    private final SinkReader sink;
    private final Settings settings;
    private final Progress progress;
    private final Sleeper sleeper;

    /** Waits between re-checks (tests make it instant). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(d.toMillis());
    }

    public TableVerifier(RowReader source, SinkReader sink, Settings settings, Progress progress, Sleeper sleeper) {
        this.source = source;
        this.sink = sink;
        this.settings = settings;
        this.progress = progress;
        this.sleeper = sleeper;
    }

    /** A candidate difference: the sink id and, when known, the source key. */
    private record Candidate(String id, List<String> key) {
    }

    public PairResult verify(TableId table, String sinkName) throws Exception {
        PairResult result = new PairResult(table.toString(), sinkName);
        int keyColumns = source.keyColumns(table).size();
        if (keyColumns == 0) {
            return PairResult.skipped(table.toString(), sinkName, "the table has no primary key, so its rows have no"
                    + " key to compare by");
        }
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        OptionalLong count = sink.count(table);
        if (sink.canScan() && count.isPresent() && count.getAsLong() <= settings.scanLimit()) {
            scanPass(table, sinkName, keyColumns, count.getAsLong(), result, candidates);
        } else {
            long found = firstPass(table, sinkName, result, candidates);
            if (count.isEmpty() || count.getAsLong() != found) {
                extras(table, keyColumns, candidates);
            }
        }
        result.candidates = candidates.size();
        Map<String, Difference> persisting = recheck(table, keyColumns, candidates);
        result.recheckedAway = candidates.size() - persisting.size();
        result.differences.addAll(persisting.values());
        return result;
    }

    /**
     * Compares only these rows again (after a repair): each is read on both sides, re-checked as in
     * {@link #verify}; the ones still differing are the result's differences.
     */
    public PairResult verifyKeys(TableId table, String sinkName, List<Difference> rows) throws Exception {
        PairResult result = new PairResult(table.toString(), sinkName);
        int keyColumns = source.keyColumns(table).size();
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        rows.forEach(d -> candidates.put(d.id(), new Candidate(d.id(), d.key())));
        result.candidates = candidates.size();
        Map<String, Difference> persisting = recheck(table, keyColumns, candidates);
        result.recheckedAway = candidates.size() - persisting.size();
        result.differences.addAll(persisting.values());
        return result;
    }

    /**
     * A source chunk made ready for comparing: its sink ids in key order, the digests of what the
     * sink should hold for them ({@code [2i]}, {@code [2i + 1]}), their keys.
     */
    private record Prepared(List<String> ids, long[] digests, List<List<String>> keys, boolean last) {
    }

    /** Each thread's digester (the encoders and the scan hash on their own threads). */
    private static final ThreadLocal<ChunkChecksums.Digester> DIGESTER =
            ThreadLocal.withInitial(ChunkChecksums.Digester::new);

    /**
     * Compares the source's rows chunk by chunk, reading the sink's rows of each chunk by id;
     * returns how many of them the sink holds.
     */
    private long firstPass(TableId table, String sinkName, PairResult result, Map<String, Candidate> candidates)
            throws Exception {
        long[] found = new long[1];
        drain(table, sinkName, 2, result, candidates, chunk -> found[0] += compareChunk(table, chunk, result, candidates));
        return found[0];
    }

    /**
     * Compares a table the sink can {@linkplain SinkReader#scan scan}: the sink's rows are read
     * once at scan speed on a third thread (their digests kept by id, hashed from the bytes the sink
     * received) while the source chunks are compared as they come: a chunk's ids the scan has
     * delivered are taken out of the scanned set and compared by digest; the others wait until the
     * scan ends. Then the ids no source row claimed are the extra rows.
     */
    private void scanPass(TableId table, String sinkName, int keyColumns, long count, PairResult result,
                          Map<String, Candidate> candidates) throws Exception {
        DigestTable held = new DigestTable(count);
        Exception[] failed = new Exception[1];
        Thread scanner = new Thread(() -> {
            ChunkChecksums.Digester digester = DIGESTER.get();
            // handed to the table a batch at a time (one lock per batch, not per row)
            String[] ids = new String[SCAN_BATCH];
            long[] digests = new long[2 * SCAN_BATCH];
            int[] n = new int[1];
            try {
                sink.scanBytes(table, (id, bytes, offset, length) -> {
                    digester.digest(id, bytes, offset, length, digests, 2 * n[0]);
                    ids[n[0]++] = id;
                    if (n[0] == SCAN_BATCH) {
                        held.putAll(ids, digests, n[0]);
                        n[0] = 0;
                    }
                });
                held.putAll(ids, digests, n[0]);
            } catch (Exception e) {
                failed[0] = e;
            }
        }, "cdc-verify-scan");
        scanner.setDaemon(true);
        scanner.start();
        Waiting waiting = new Waiting();
        try {
            drain(table, sinkName, SCAN_AHEAD, result, candidates, chunk -> {
                List<String> ids = chunk.ids();
                long[] expected = chunk.digests();
                long[] stored = new long[expected.length];
                boolean[] found = new boolean[ids.size()];
                held.takeAll(ids, stored, found);
                boolean differs = false;
                boolean compared = false;
                for (int i = 0; i < ids.size(); i++) {
                    if (!found[i]) {
                        waiting.add(ids.get(i), expected[2 * i], expected[2 * i + 1], chunk.keys().get(i));
                    } else {
                        compared = true;
                        if (stored[2 * i] != expected[2 * i] || stored[2 * i + 1] != expected[2 * i + 1]) {
                            differs = true;
                            candidates.put(ids.get(i), new Candidate(ids.get(i), chunk.keys().get(i)));
                        }
                    }
                }
                count(result, compared, differs);
            });
        } finally {
            scanner.join();
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        boolean differs = false;
        long[] stored = new long[2];
        for (int w = 0; w < waiting.ids.size(); w++) {
            String id = waiting.ids.get(w);
            if (!held.take(id, stored) || stored[0] != waiting.digests[2 * w] || stored[1] != waiting.digests[2 * w + 1]) {
                differs = true;
                candidates.put(id, new Candidate(id, waiting.keys.get(w)));
            }
        }
        count(result, !waiting.ids.isEmpty(), differs);
        for (String id : held.ids()) {
            candidates.putIfAbsent(id, new Candidate(id, sink.keyOf(table, id, keyColumns).orElse(List.of())));
        }
    }

    /** The source rows the scan had not delivered when their chunk came, in key order: ids, digests, keys. */
    private static final class Waiting {
        final List<String> ids = new ArrayList<>();
        final List<List<String>> keys = new ArrayList<>();
        long[] digests = new long[1024];

        void add(String id, long high, long low, List<String> key) {
            int w = ids.size();
            if (2 * w + 2 > digests.length) {
                digests = Arrays.copyOf(digests, digests.length * 2);
            }
            digests[2 * w] = high;
            digests[2 * w + 1] = low;
            ids.add(id);
            keys.add(key);
        }
    }

    /** Counts one compared chunk (when any row of it was compared) and whether it differed. */
    private static void count(PairResult result, boolean compared, boolean differs) {
        if (compared) {
            result.chunks++;
            if (differs) {
                result.chunksDiffering++;
            }
        }
    }

    /** Compares one prepared chunk. */
    @FunctionalInterface
    private interface ChunkCheck {
        void check(Prepared chunk) throws Exception;
    }

    /**
     * Reads the source on a second thread and encodes its rows (the sink's id and expected form of
     * each, and their digests) on a third (two when the sink {@linkplain SinkReader#encodesConcurrently
     * allows}), up to {@code ahead} chunks ahead, and checks each chunk
     * on this one, in key order, so both sides are read and encoded at once (encoding costs more
     * than reading); each reader is still used by one thread at a time.
     */
    private void drain(TableId table, String sinkName, int ahead, PairResult result, Map<String, Candidate> candidates,
                       ChunkCheck check) throws Exception {
        BlockingQueue<Object> ready = new ArrayBlockingQueue<>(ahead);
        ExecutorService encoder = Executors.newFixedThreadPool(sink.encodesConcurrently() ? 2 : 1, r -> {
            Thread t = new Thread(r, "cdc-verify-encode");
            t.setDaemon(true);
            return t;
        });
        Thread reader = new Thread(() -> readSource(table, encoder, ready), "cdc-verify-source");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                Object next = ready.take();
                if (next instanceof Exception e) {
                    throw e;
                }
                Prepared chunk = encoded((Future<?>) next);
                if (!chunk.ids().isEmpty()) {
                    check.check(chunk);
                    result.sourceRows += chunk.ids().size();
                    progress.rows(table, sinkName, result.sourceRows, candidates.size());
                }
                if (chunk.last()) {
                    return;
                }
            }
        } finally {
            reader.interrupt();
            reader.join();
            encoder.shutdownNow();
        }
    }

    /** The encoded chunk, or the encoding's failure thrown. */
    private static Prepared encoded(Future<?> f) throws Exception {
        try {
            return (Prepared) f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * The second thread: reads chunk after chunk and hands each over as its encoding (a future of
     * the encoder, in chunk order), or the read's failure.
     */
    private void readSource(TableId table, ExecutorService encoder, BlockingQueue<Object> ready) {
        try {
            Optional<List<String>> after = Optional.empty();
            while (true) {
                List<SourceRow> rows = source.readChunk(table, after, settings.chunkSize());
                boolean last = rows.size() < settings.chunkSize();
                ready.put(encoder.submit(() -> encode(rows, last)));
                if (last) {
                    return;
                }
                after = Optional.of(rows.get(rows.size() - 1).key());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            ready.offer(e);
        }
    }

    /**
     * One chunk's sink ids in key order, the digests of what the sink should hold (hashed from the
     * bytes the sink's codec writes, {@link SinkReader#expectedBytes}), and the keys.
     */
    private Prepared encode(List<SourceRow> rows, boolean last) {
        List<String> ids = new ArrayList<>(rows.size());
        List<List<String>> keys = new ArrayList<>(rows.size());
        List<ChangeEvent> events = new ArrayList<>(rows.size());
        for (SourceRow r : rows) {
            ids.add(sink.id(r.event()));
            keys.add(r.key());
            events.add(r.event());
        }
        long[] digests = new long[2 * rows.size()];
        ChunkChecksums.Digester digester = DIGESTER.get();
        sink.expectedBytes(events, (i, bytes, offset, length) ->
                digester.digest(ids.get(i), bytes, offset, length, digests, 2 * i));
        return new Prepared(ids, digests, keys, last);
    }

    /** Reads the chunk's rows from the sink and compares digests; returns how many the sink holds. */
    private int compareChunk(TableId table, Prepared chunk, PairResult result, Map<String, Candidate> candidates)
            throws Exception {
        Map<String, StoredRow> stored = sink.stored(table, chunk.ids());
        List<String> ids = chunk.ids();
        long[] held = new long[2 * ids.size()];
        ChunkChecksums.Digester digester = DIGESTER.get();
        for (int i = 0; i < ids.size(); i++) {
            StoredRow s = stored.get(ids.get(i));
            if (s != null) {
                byte[] form = s.canonical().getBytes(StandardCharsets.UTF_8);
                digester.digest(ids.get(i), form, 0, form.length, held, 2 * i);
            }
        }
        int[] differing = ChunkChecksums.differing(chunk.digests(), held, ids.size());
        count(result, true, differing.length > 0);
        for (int i : differing) {
            candidates.put(ids.get(i), new Candidate(ids.get(i), chunk.keys().get(i)));
        }
        return stored.size();
    }

    /** Adds the ids the sink holds that the source has no row for. */
    private void extras(TableId table, int keyColumns, Map<String, Candidate> candidates) throws Exception {
        Exception[] failure = new Exception[1];
        Consumer<List<String>> batch = ids -> {
            if (failure[0] != null) {
                return;
            }
            try {
                Map<String, List<String>> keyed = new LinkedHashMap<>();
                for (String id : ids) {
                    Optional<List<String>> key = sink.keyOf(table, id, keyColumns);
                    if (key.isEmpty()) {
                        candidates.putIfAbsent(id, new Candidate(id, List.of()));
                    } else {
                        keyed.put(id, key.get());
                    }
                }
                Set<String> present = new HashSet<>();
                for (SourceRow r : source.readKeys(table, new ArrayList<>(keyed.values()))) {
                    present.add(sink.id(r.event()));
                }
                keyed.forEach((id, key) -> {
                    if (!present.contains(id)) {
                        candidates.putIfAbsent(id, new Candidate(id, key));
                    }
                });
            } catch (Exception e) {
                failure[0] = e;
            }
        };
        sink.forEachId(table, batch);
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** Reads every candidate again after the settle time, until none is left or the re-checks are spent. */
    private Map<String, Difference> recheck(TableId table, int keyColumns, Map<String, Candidate> candidates)
            throws Exception {
        Map<String, Difference> left = compare(table, keyColumns, candidates.values());
        for (int round = 0; round < settings.rechecks() && !left.isEmpty(); round++) {
            sleeper.sleep(settings.settle());
            List<Candidate> again = new ArrayList<>();
            left.values().forEach(d -> again.add(new Candidate(d.id(), d.key())));
            left = compare(table, keyColumns, again);
        }
        return left;
    }

    /** Compares the candidates' rows as both sides hold them now; the ones still differing. */
    private Map<String, Difference> compare(TableId table, int keyColumns, java.util.Collection<Candidate> candidates)
            throws Exception {
        Map<String, Difference> out = new LinkedHashMap<>();
        List<Candidate> all = new ArrayList<>(candidates);
        for (int from = 0; from < all.size(); from += settings.chunkSize()) {
            compareBatch(table, keyColumns, all.subList(from, Math.min(all.size(), from + settings.chunkSize())), out);
        }
        return out;
    }

    /** {@link #compare} of at most a chunk of candidates, adding the differing ones to {@code out}. */
    private void compareBatch(TableId table, int keyColumns, List<Candidate> candidates, Map<String, Difference> out)
            throws Exception {
        List<List<String>> keys = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.key().size() == keyColumns) {
                keys.add(c.key());
            }
        }
        Map<String, SourceRow> rows = new HashMap<>();
        for (SourceRow r : source.readKeys(table, keys)) {
            rows.put(sink.id(r.event()), r);
        }
        Set<String> ids = new TreeSet<>();
        candidates.forEach(c -> ids.add(c.id()));
        Map<String, StoredRow> stored = sink.stored(table, ids);
        for (Candidate c : candidates) {
            SourceRow row = rows.get(c.id());
            StoredRow held = stored.get(c.id());
            if (row == null && held == null) {
                continue;
            }
            if (row == null) {
                out.put(c.id(), new Difference(Difference.Kind.EXTRA, c.id(), c.key(), List.of()));
            } else if (held == null) {
                out.put(c.id(), new Difference(Difference.Kind.MISSING, c.id(), row.key(), List.of()));
            } else {
                String expected = sink.expected(row.event());
                if (!expected.equals(held.canonical()) && !sink.sameRow(expected, held.canonical())) {
                    out.put(c.id(), new Difference(Difference.Kind.DIFFERENT, c.id(), row.key(),
                            fields(expected, held.canonical())));
                }
            }
        }
    }

    /** The top-level fields whose values differ between two canonical JSON objects. */
    static List<String> fields(String expected, String stored) {
        try {
            Map<String, Object> a = JSON.readValue(expected, new TypeReference<>() { });
            Map<String, Object> b = JSON.readValue(stored, new TypeReference<>() { });
            Set<String> names = new TreeSet<>(a.keySet());
            names.addAll(b.keySet());
            List<String> out = new ArrayList<>();
            for (String n : names) {
                if (a.containsKey(n) != b.containsKey(n) || !Objects.equals(a.get(n), b.get(n))) {
                    out.add(n);
                }
            }
            return out;
        } catch (IOException e) {
            return List.of("(whole row)");
        }
    }
}
