package dev.cdc.core.backfill;

import dev.cdc.api.event.Position;
import dev.cdc.api.spi.BackfillRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A running pipeline's backfills: the requests (kept in the {@link BackfillStore} when the
 * pipeline has a state directory), what the source reported of their chunks, and their progress.
 * A chunk's last key becomes the request's durable resume point only once the committed checkpoint
 * reached the chunk's high-watermark position ({@link #committed}): then every target sink holds
 * the chunk, and a restart resumes after it, never ahead. Thread-safe: the source, checkpoint and
 * HTTP threads call it.
 */
public final class Backfills {

    private static final Logger LOG = LoggerFactory.getLogger(Backfills.class);
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);

    /** A request the engine refuses: unknown sink, a source that cannot backfill, a detached target. */
    public static final class Refused extends IllegalArgumentException {
        private final boolean conflict;

        public Refused(String message, boolean conflict) {
            super(message);
            this.conflict = conflict;
        }

        /** True when the id exists already (HTTP 409), false for a bad request (400). */
        public boolean conflict() {
            return conflict;
        }
    }

    private record Chunk(List<String> lastKey, Position at, long rows, boolean finished) {
    }

    /** One request's record and what this run knows beyond it. */
    private static final class Entry {
        BackfillRecord record;
        final Deque<Chunk> pending = new ArrayDeque<>();
        boolean sourceDone;
        long rowsEmitted;
        Instant firstChunkAt;
        long rowsAtFirstChunk;
        Instant loggedAt = Instant.EPOCH;

        Entry(BackfillRecord record) {
            this.record = record;
            this.rowsEmitted = record.rows();
        }
    }

    private final String pipeline;
    private final Optional<BackfillStore> store;
    private final Set<String> sinkNames;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Counter> rowCounters = new LinkedHashMap<>();
    private Optional<String> cannotBackfill = Optional.empty();
    private Predicate<String> detached = s -> false;
    private Optional<Position> committed = Optional.empty();

    /**
     * @param sinkNames the pipeline's sinks, in order
     * @param registry  where {@code cdc.backfill.*} meters go
     */
    public Backfills(String pipeline, Optional<BackfillStore> store, List<String> sinkNames, MeterRegistry registry,
                     Clock clock) {
        this.pipeline = pipeline;
        this.store = store;
        this.sinkNames = new java.util.LinkedHashSet<>(sinkNames);
        this.registry = registry;
        this.clock = clock;
        Gauge.builder("cdc.backfill.active", this, Backfills::activeCount).tags("pipeline", pipeline)
                .description("Backfills queued or running").register(registry);
    }

    /**
     * Loads the stored requests (those that did not end become active again, resuming after their
     * durable chunk) and learns what the run resumed from and which sinks are detached.
     */
    public synchronized void open(Optional<Position> checkpoint, Predicate<String> detachedSink) {
        this.committed = checkpoint;
        this.detached = detachedSink;
        store.ifPresent(s -> s.list().forEach(r -> entries.putIfAbsent(r.id(), new Entry(r))));
        List<BackfillRecord> active = active().stream().map(e -> e.record).toList();
        if (!active.isEmpty()) {
            LOG.info("pipeline '{}': {} backfill(s) to run: {}", pipeline, active.size(),
                    active.stream().map(r -> r.id() + " (" + r.request().table() + r.request().resumeAfter()
                            .map(k -> ", resuming after key " + k).orElse("") + ")").toList());
        }
    }

    /**
     * The source is known: a source that cannot backfill fails every active request, and refuses
     * new ones, with a message naming its type.
     */
    public synchronized void source(String type, boolean canBackfill) {
        if (canBackfill) {
            cannotBackfill = Optional.empty();
            return;
        }
        cannotBackfill = Optional.of(cannotBackfill(pipeline, type));
        for (Entry e : active()) {
            fail(e, cannotBackfill.get());
        }
    }

    /**
     * Accepts a request from outside (HTTP API, {@code cdc verify --repair}).
     *
     * @throws Refused when the source cannot backfill, a sink is unknown or detached, or the id exists
     */
    public synchronized BackfillStatus request(BackfillRequest request) {
        check(pipeline, sinkNames, detached, cannotBackfill, request);
        if (entries.containsKey(request.id()) || store.map(st -> st.find(request.id()).isPresent()).orElse(false)) {
            throw new Refused("a backfill with id '" + request.id() + "' exists already", true);
        }
        BackfillRecord r = BackfillRecord.queued(request.resumeAfter().isEmpty() ? request
                : new BackfillRequest(request.id(), request.table(), request.where(), request.keys(), request.sinks(),
                Optional.empty()), clock.instant());
        store.ifPresent(s -> s.save(r));
        Entry e = new Entry(r);
        entries.put(r.id(), e);
        LOG.info("pipeline '{}': backfill {} queued: {}{}{} into {}", pipeline, r.id(), request.table(),
                request.where().map(w -> " where " + w).orElse(""),
                request.byKeys() ? " (" + request.keys().size() + " keys)" : "",
                request.sinks().isEmpty() ? "every sink" : "sink(s) " + request.sinks());
        return status(e);
    }

    /** Why the source cannot backfill, once it is known and it cannot; empty otherwise. */
    public synchronized Optional<String> whyCannotBackfill() {
        return cannotBackfill;
    }

    /** What a source that cannot backfill answers: names the pipeline and the source's type. */
    public static String cannotBackfill(String pipeline, String sourceType) {
        return "the source of pipeline '" + pipeline + "' (type " + sourceType + ") cannot backfill; the postgres, "
                + "mysql, jdbc-trigger and jdbc-query sources can";
    }

    /**
     * Checks a request against the pipeline (also offline, by {@code cdc backfill}).
     *
     * @param cannotBackfill why the source cannot backfill, when it cannot
     * @throws Refused naming what is wrong
     */
    public static void check(String pipeline, Set<String> sinkNames, Predicate<String> detached,
                             Optional<String> cannotBackfill, BackfillRequest request) {
        BackfillStore.checkId(request.id());
        if (cannotBackfill.isPresent()) {
            throw new Refused(cannotBackfill.get(), false);
        }
        for (String s : request.sinks()) {
            if (!sinkNames.contains(s)) {
                throw new Refused("pipeline '" + pipeline + "' has no sink '" + s + "' (its sinks: "
                        + String.join(", ", sinkNames) + ")", false);
            }
            if (detached.test(s)) {
                throw new Refused("sink '" + s + "' is detached: nothing would reach it. Bring it back with "
                        + "`cdc reattach <pipeline.yaml> " + s + " --backfill`", false);
            }
        }
    }

    /** A request from inside the source (or the signal table): one with a known id is ignored. */
    public synchronized void requestFromSource(BackfillRequest request) {
        if (entries.containsKey(request.id())) {
            return;
        }
        try {
            request(request);
        } catch (Refused e) {
            LOG.warn("pipeline '{}': backfill {} of {} refused: {}", pipeline, request.id(), request.table(),
                    e.getMessage());
            BackfillRecord r = BackfillRecord.queued(request, clock.instant()).failed(e.getMessage(), clock.instant());
            store.ifPresent(s -> s.save(r));
            entries.put(r.id(), new Entry(r));
        }
    }

    /** The requests the source is to run, in request order, each with its durable resume point. */
    public synchronized List<BackfillRequest> toRun() {
        return active().stream().filter(e -> !e.sourceDone).map(e -> e.record.request()).toList();
    }

    /** A chunk's events were emitted (see {@code SourceContext.backfillChunk}). */
    public synchronized void chunk(String id, List<String> lastKey, Position at, long rows, long rowsEstimated,
                                   boolean finished) {
        Entry e = entries.get(id);
        if (e == null || e.record.state().ended()) {
            LOG.warn("pipeline '{}': the source reported a chunk of backfill '{}', which is not running", pipeline, id);
            return;
        }
        Instant now = clock.instant();
        if (e.firstChunkAt == null) {
            e.firstChunkAt = now;
            e.rowsAtFirstChunk = e.rowsEmitted;
        }
        e.rowsEmitted += rows;
        e.sourceDone = finished;
        BackfillRecord r = e.record;
        e.record = r.with(r.request(), BackfillState.RUNNING, r.rows(), rowsEstimated >= 0 ? rowsEstimated
                : r.rowsEstimated(), Optional.empty(), now);
        BackfillRequest q = r.request();
        for (String sink : sinkNames) {
            if (q.targets(sink)) {
                rowCounters.computeIfAbsent(q.table() + "\u0000" + sink, k -> Counter.builder("cdc.backfill.rows")
                        .description("Rows backfills emitted, per table and target sink")
                        .tags("pipeline", pipeline, "table", q.table().toString(), "sink", sink).register(registry))
                        .increment(rows);
            }
        }
        e.pending.add(new Chunk(lastKey, at, rows, finished));
        boolean reached = committed.map(c -> c.compareTo(at) >= 0).orElse(false);
        if (reached || rows == 0 && e.pending.size() == 1) {
            settle(e, at);
        }
        if (finished || Duration.between(e.loggedAt, now).compareTo(LOG_EVERY) >= 0) {
            e.loggedAt = now;
            BackfillStatus s = status(e);
            LOG.info("pipeline '{}': backfill {} of {}: {} rows{}{}{}", pipeline, id, q.table(), s.rows(),
                    s.rowsEstimated() >= 0 ? " of ~" + s.rowsEstimated() : "",
                    String.format(", %.0f rows/s", s.rate()),
                    finished ? ", all read; done once the checkpoint passes " + at
                            : s.etaSeconds().isPresent() ? ", ETA " + Math.round(s.etaSeconds().getAsDouble()) + " s" : "");
        }
    }

    /** The source cannot run the request. */
    public synchronized void failed(String id, String reason) {
        Entry e = entries.get(id);
        if (e == null || e.record.state().ended()) {
            return;
        }
        fail(e, reason);
    }

    private void fail(Entry e, String reason) {
        LOG.warn("pipeline '{}': backfill {} of {} FAILED: {}", pipeline, e.record.id(), e.record.request().table(),
                reason);
        e.record = e.record.failed(reason, clock.instant());
        e.pending.clear();
        e.sourceDone = true;
        store.ifPresent(s -> s.save(e.record));
    }

    /** A checkpoint at {@code position} was committed: the chunks at or before it are durable in every sink. */
    public synchronized void committed(Position position) {
        committed = Optional.of(position);
        for (Entry e : entries.values()) {
            if (!e.pending.isEmpty() && !e.record.state().ended()) {
                settle(e, position);
            }
        }
    }

    /** Records every pending chunk at or before {@code upTo}, in order, and persists the result. */
    private void settle(Entry e, Position upTo) {
        BackfillRecord r = e.record;
        BackfillRequest q = r.request();
        long rows = r.rows();
        boolean done = false;
        boolean changed = false;
        while (!e.pending.isEmpty() && (e.pending.peek().at().compareTo(upTo) <= 0
                || e.pending.peek().rows() == 0 && e.pending.size() == 1)) {
            Chunk c = e.pending.poll();
            if (!c.lastKey().isEmpty()) {
                q = q.resumingAfter(c.lastKey());
            }
            rows += c.rows();
            done = c.finished();
            changed = true;
        }
        if (!changed) {
            return;
        }
        e.record = r.with(q, done ? BackfillState.DONE : BackfillState.RUNNING, rows, r.rowsEstimated(),
                Optional.empty(), clock.instant());
        store.ifPresent(s -> s.save(e.record));
        if (done) {
            LOG.info("pipeline '{}': backfill {} of {} DONE: {} rows durable in {}", pipeline, r.id(), q.table(), rows,
                    q.sinks().isEmpty() ? "every sink" : "sink(s) " + q.sinks());
        }
    }

    private List<Entry> active() {
        return entries.values().stream().filter(e -> !e.record.state().ended()).toList();
    }

    private synchronized double activeCount() {
        return active().size();
    }

    /** Every request of this pipeline (also ended ones), in request order. */
    public synchronized List<BackfillStatus> statuses() {
        List<BackfillStatus> out = new ArrayList<>();
        entries.values().forEach(e -> out.add(status(e)));
        return out;
    }

    /** One request's status. */
    public synchronized Optional<BackfillStatus> status(String id) {
        return Optional.ofNullable(entries.get(id)).map(this::status);
    }

    private BackfillStatus status(Entry e) {
        BackfillRecord r = e.record;
        double rate = 0;
        if (e.firstChunkAt != null) {
            double secs = Math.max(0.001, Duration.between(e.firstChunkAt, clock.instant()).toMillis() / 1000.0);
            rate = (e.rowsEmitted - e.rowsAtFirstChunk) / secs;
        }
        long rows = r.state() == BackfillState.DONE ? r.rows() : Math.max(e.rowsEmitted, r.rows());
        OptionalDouble eta = r.state() == BackfillState.RUNNING && rate > 0 && r.rowsEstimated() >= 0
                ? OptionalDouble.of(Math.max(0, r.rowsEstimated() - rows) / rate) : OptionalDouble.empty();
        return new BackfillStatus(r.id(), r.request().table(), r.request().sinks(), r.state(), rows,
                r.rowsEstimated(), rate, eta, r.error());
    }
}
