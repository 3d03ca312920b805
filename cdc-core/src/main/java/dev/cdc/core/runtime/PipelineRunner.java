package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.PluginMetrics;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.api.spi.Transformer;
import dev.cdc.api.config.Configuration;
import dev.cdc.core.metrics.MicrometerPluginMetrics;
import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.spec.PipelineListener;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.PluginSpec;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.core.schema.SchemaTracker;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.schema.compatibility.SchemaPolicy;
import dev.cdc.schema.registry.SchemaRegistry;
import dev.cdc.schema.registry.SchemaVersion;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one pipeline: creates and opens its plugins, runs the source on its own thread, fans
 * batches out to the sink lanes, commits checkpoints on a timer, and stops (drain, final
 * checkpoint, close) on request, on completion of a finite source, or on failure. Every schema
 * change is registered in the pipeline's schema history ({@link SchemaTracker}, kept beside the
 * file checkpoint) before it is fanned out, and row events are stamped with their schema version.
 */
public final class PipelineRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);

    private final PipelineSpec spec;
    private final MeterRegistry registry;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final List<PipelineListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<PipelineState> state = new AtomicReference<>(PipelineState.CREATED);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong sequence = new AtomicLong(-1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Map<String, SnapshotProgress> snapshotProgress = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<SinkLane> lanes = new ArrayList<>();
    private final List<Thread> laneThreads = new ArrayList<>();

    private volatile boolean stopping;
    private volatile boolean aborting;
    private volatile boolean shutdownStarted;
    private Source source;
    private TransformChain chain = new TransformChain(List.of(), List.of());
    private SchemaTracker schemas;
    private CheckpointStore store;
    private CheckpointCoordinator coordinator;
    private ScheduledExecutorService timer;
    private Thread sourceThread;
    private Optional<Position> resumePosition = Optional.empty();
    private final LagAlerts lagAlerts;

    public PipelineRunner(PipelineSpec spec, MeterRegistry registry, Clock clock) {
        this.spec = spec;
        this.registry = registry;
        this.clock = clock;
        this.metrics = new PipelineMetrics(registry, spec.name());
        metrics.gauge("cdc.pipeline.state", "0 created, 1 starting, 2 running, 3 stopping, 4 stopped, 5 completed, 6 failed",
                this, r -> r.state.get().ordinal());
        this.lagAlerts = new LagAlerts();
    }

    public void addListener(PipelineListener listener) {
        listeners.add(listener);
    }

    public PipelineSpec spec() {
        return spec;
    }

    public PipelineState state() {
        return state.get();
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /**
     * Opens everything and starts the threads. Returns once the pipeline runs.
     *
     * @throws RuntimeException if opening failed; everything opened so far is closed again
     */
    public synchronized void start() {
        if (!state.compareAndSet(PipelineState.CREATED, PipelineState.STARTING)) {
            throw new IllegalStateException("pipeline '" + spec.name() + "' was already started (" + state.get() + ")");
        }
        fire(PipelineState.CREATED, PipelineState.STARTING);
        try {
            open();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            closeAll();
            transition(PipelineState.FAILED);
            terminated.countDown();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw new dev.cdc.api.error.CdcException("pipeline '" + spec.name() + "' could not start: " + t, t);
        }
        transition(PipelineState.RUNNING);
    }

    private void open() throws Exception {
        store = track(spec.checkpoint().create(context(spec.checkpoint())));
        Optional<Checkpoint> restored = store.load();
        resumePosition = restored.map(Checkpoint::position);
        restored.ifPresentOrElse(
                c -> LOG.info("pipeline '{}': resuming after checkpoint {} saved {} in {}", spec.name(), c.position(),
                        c.savedAt(), store.describe()),
                () -> LOG.info("pipeline '{}': no checkpoint in {}; starting fresh", spec.name(), store.describe()));
        schemas = new SchemaTracker(SchemaRegistry.open(SchemaTracker.store(spec.stateDirectory())), clock);
        chain = new TransformChain(createAll(spec.filters()), createAll(spec.transforms()));
        for (SinkSpec s : spec.sinks()) {
            Sink sink = track(s.sink().create(context(s.sink())));
            Set<SchemaChangeKind> supported = sink.supportedSchemaChanges();
            checkSchemaPolicy(s, supported);
            Optional<Sink> dlq = s.deadLetter().map(d -> track(d.create(context(d))));
            List<Filter> laneFilters = createAll(s.filters());
            List<Transformer> laneTransforms = createAll(s.transforms());
            SchemaGate gate = SchemaGate.open(s.name(), s.sink().type(), s.effectiveSchemaPolicy(), supported,
                    spec.stateDirectory(), clock);
            lanes.add(new SinkLane(s, sink, dlq, laneFilters, laneTransforms, metrics, laneOwner(), clock,
                    spec.engine().flushInterval(), gate));
        }
        for (SinkLane lane : lanes) {
            lane.sink().open();
            if (lane.deadLetterSink().isPresent()) {
                lane.deadLetterSink().get().open();
            }
        }
        source = track(spec.source().create(context(spec.source())));
        SourceContext sourceContext = new RunnerSourceContext();
        source.open(sourceContext);
        coordinator = new CheckpointCoordinator(spec.name(), store, source, lanes, metrics, clock, restored,
                c -> listeners.forEach(l -> l.onCheckpoint(c)));
        for (SinkLane lane : lanes) {
            Thread t = new Thread(lane, "cdc-" + spec.name() + "-sink-" + lane.name());
            laneThreads.add(t);
            t.start();
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-" + spec.name() + "-checkpoint");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(10, spec.engine().checkpointInterval().toMillis());
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        sourceThread = new Thread(() -> runSource(sourceContext), "cdc-" + spec.name() + "-source");
        sourceThread.start();
    }

    /**
     * A sink that declares no schema change cannot follow {@code evolve} or {@code evolve-compatible}:
     * configured so, the pipeline does not start; by default, a warning says the first change will stop it.
     */
    private void checkSchemaPolicy(SinkSpec s, Set<SchemaChangeKind> supported) {
        SchemaPolicy policy = s.effectiveSchemaPolicy();
        if (!supported.isEmpty() || policy == SchemaPolicy.IGNORE || policy == SchemaPolicy.FAIL) {
            return;
        }
        String problem = "sink '" + s.name() + "' (type " + s.sink().type() + ") declares no schema change it can "
                + "apply, so schema-policy '" + policy.tag() + "'" + (s.schemaPolicy().isEmpty() ? " (the default)" : "")
                + " would stop the pipeline at the first change of a table's schema";
        if (s.schemaPolicy().isPresent()) {
            throw new ConfigurationException(List.of(ConfigProblem.of("sinks." + s.name() + ".schema-policy",
                    "is '" + policy.tag() + "' but " + problem + "; set schema-policy: ignore (keep writing, rows "
                            + "lose the columns the sink does not know) or fail (stop at every change)")));
        }
        LOG.warn("pipeline '{}': {}; set schema-policy: ignore or fail on it to choose", spec.name(), problem);
    }

    private void tick() {
        try {
            coordinator.commit();
            lagAlerts.check();
        } catch (Throwable t) {
            LOG.warn("pipeline '{}': checkpoint tick failed: {}", spec.name(), t.toString());
        }
    }

    private void runSource(SourceContext context) {
        try {
            source.run(context);
            if (!stopping) {
                LOG.info("pipeline '{}': the source has no more events; draining", spec.name());
                shutdown(PipelineState.COMPLETED);
            }
        } catch (InterruptedException e) {
            if (!stopping) {
                fail(e);
            }
        } catch (Throwable t) {
            if (stopping && aborting) {
                LOG.debug("source ended while aborting: {}", t.toString());
            } else {
                fail(t);
            }
        }
    }

    /** Graceful stop: the source stops reading, lanes deliver what is queued, the final checkpoint is saved. */
    public void stop() {
        PipelineState s = state.get();
        if (s == PipelineState.CREATED) {
            transition(PipelineState.STOPPED);
            terminated.countDown();
            return;
        }
        if (s == PipelineState.STARTING) {
            throw new IllegalStateException("pipeline '" + spec.name() + "' is still starting");
        }
        shutdown(PipelineState.STOPPED);
    }

    private void fail(Throwable cause) {
        if (failure.compareAndSet(null, cause)) {
            LOG.error("pipeline '{}' failed: {}", spec.name(), cause.getMessage() == null ? cause.toString()
                    : cause.getMessage());
            LOG.debug("failure detail", cause);
        }
        aborting = true;
        shutdown(PipelineState.FAILED);
    }

    private void shutdown(PipelineState end) {
        synchronized (this) {
            if (shutdownStarted) {
                return;
            }
            shutdownStarted = true;
        }
        stopping = true;
        transition(PipelineState.STOPPING);
        Thread t = new Thread(() -> drainAndClose(end), "cdc-" + spec.name() + "-shutdown");
        t.start();
    }

    private void drainAndClose(PipelineState end) {
        long deadline = System.nanoTime() + spec.engine().shutdownTimeout().toNanos();
        try {
            join(sourceThread, deadline);
            for (SinkLane lane : lanes) {
                lane.end();
            }
            for (Thread t : laneThreads) {
                join(t, deadline);
            }
            if (coordinator != null) {
                coordinator.commit();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (timer != null) {
                timer.shutdownNow();
            }
            closeAll();
            PipelineState finalState = failure.get() != null ? PipelineState.FAILED : end;
            transition(finalState);
            LOG.info("pipeline '{}': {}{}", spec.name(), finalState.name().toLowerCase(java.util.Locale.ROOT),
                    coordinator == null ? "" : coordinator.last().map(c -> "; checkpoint " + c.position()).orElse(""));
            terminated.countDown();
        }
    }

    private void join(Thread t, long deadlineNanos) throws InterruptedException {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        if (t.isAlive()) {
            LOG.warn("pipeline '{}': {} did not finish within the shutdown timeout of {}; interrupting it",
                    spec.name(), t.getName(), spec.engine().shutdownTimeout());
            aborting = true;
            t.interrupt();
            t.join(5_000);
        }
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public PipelineStatus status() {
        Optional<Checkpoint> cp = coordinator == null ? Optional.empty() : coordinator.last();
        return new PipelineStatus(spec.name(), state.get(),
                Optional.ofNullable(failure.get()).map(f -> f.getMessage() == null ? f.toString() : f.getMessage()),
                sequence.get() + 1, cp.map(Checkpoint::position), cp.map(Checkpoint::savedAt),
                lanes.stream().map(SinkLane::status).toList());
    }

    /** The snapshot progress the source reported, per table. */
    public Map<String, SnapshotProgress> snapshotProgress() {
        return Map.copyOf(snapshotProgress);
    }

    /** Saves a checkpoint now if the lanes moved on (for tests and the launcher's status). */
    public boolean checkpointNow() {
        return coordinator != null && coordinator.commit();
    }

    private void transition(PipelineState to) {
        PipelineState from = state.getAndSet(to);
        if (from != to) {
            fire(from, to);
        }
    }

    private void fire(PipelineState from, PipelineState to) {
        for (PipelineListener l : listeners) {
            try {
                l.onStateChange(from, to);
            } catch (RuntimeException e) {
                LOG.warn("a pipeline listener failed: {}", e.toString());
            }
        }
    }

    private <T> List<T> createAll(List<PluginSpec<T>> specs) {
        List<T> out = new ArrayList<>();
        for (PluginSpec<T> s : specs) {
            out.add(track(s.create(context(s))));
        }
        return List.copyOf(out);
    }

    private <T> T track(T plugin) {
        if (plugin instanceof AutoCloseable c) {
            closeables.add(c);
        }
        return plugin;
    }

    private void closeAll() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            AutoCloseable c = closeables.get(i);
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("pipeline '{}': closing {} failed: {}", spec.name(), c.getClass().getSimpleName(), e.toString());
            }
        }
        closeables.clear();
    }

    private PluginContext context(PluginSpec<?> plugin) {
        Configuration options = plugin.options();
        String instance = plugin.instanceName();
        PluginMetrics pluginMetrics = new MicrometerPluginMetrics(registry, spec.name(), instance);
        Optional<Path> stateDir = spec.stateDirectory().map(d -> d.resolve(instance.replaceAll("[^A-Za-z0-9._-]", "_")));
        return new PluginContext() {
            @Override
            public Configuration options() {
                return options;
            }

            @Override
            public String pipelineName() {
                return spec.name();
            }

            @Override
            public String instanceName() {
                return instance;
            }

            @Override
            public PluginMetrics metrics() {
                return pluginMetrics;
            }

            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public Optional<Path> stateDirectory() {
                return stateDir;
            }
        };
    }

    private SinkLane.Owner laneOwner() {
        return new SinkLane.Owner() {
            @Override
            public boolean isAborting() {
                return aborting;
            }

            @Override
            public void laneFailed(SinkLane lane, Throwable cause) {
                fail(cause);
            }
        };
    }

    /** Hands source batches through the pipeline-wide filters and transforms to every lane. */
    private final class RunnerSourceContext implements SourceContext {
        private final PluginMetrics sourceMetrics = new MicrometerPluginMetrics(registry, spec.name(), "source");
        /** The schema version of each table the stream has announced or been caught up to in this run. */
        private final Map<dev.cdc.api.event.TableId, Integer> announced = new ConcurrentHashMap<>();

        @Override
        public String pipelineName() {
            return spec.name();
        }

        @Override
        public Optional<Position> resumePosition() {
            return resumePosition;
        }

        @Override
        public void emit(List<? extends StreamEvent> events) throws InterruptedException {
            if (events.isEmpty()) {
                return;
            }
            if (aborting) {
                return;
            }
            List<StreamEvent> kept = new ArrayList<>(events.size());
            Map<StreamEvent, SchemaVersion> versions = Map.of();
            Set<StreamEvent> catchUps = Set.of();
            for (StreamEvent e : events) {
                Optional<SchemaVersion> version = Optional.empty();
                if (e instanceof ChangeEvent c) {
                    Optional<SchemaVersion> v = schemas.versionOf(c);
                    e = schemas.stamp(c, v);
                    if (v.isPresent() && !Integer.valueOf(v.get().version()).equals(announced.put(c.table(), v.get().version()))) {
                        // the stream has not said this table's schema in this run: the lanes check
                        // their sinks against the history's version before the row
                        SchemaChangeEvent catchUp = SchemaChangeEvent.of(v.get().schema(), c.position(),
                                c.commitTime());
                        Optional<? extends StreamEvent> t = chain.apply(catchUp);
                        if (t.isPresent()) {
                            kept.add(t.get());
                            versions = versions.isEmpty() ? new IdentityHashMap<>() : versions;
                            versions.put(t.get(), v.get());
                            catchUps = catchUps.isEmpty() ? java.util.Collections.newSetFromMap(new IdentityHashMap<>())
                                    : catchUps;
                            catchUps.add(t.get());
                        }
                    }
                } else {
                    SchemaTracker.Registered registered = schemas.register((SchemaChangeEvent) e);
                    e = registered.event();
                    version = registered.version();
                    if (version.isPresent()) {
                        announced.put(e.table(), version.get().version());
                    } else {
                        announced.remove(e.table());
                    }
                }
                Optional<? extends StreamEvent> t = chain.apply(e);
                if (t.isPresent()) {
                    kept.add(t.get());
                    if (version.isPresent()) {
                        versions = versions.isEmpty() ? new IdentityHashMap<>() : versions;
                        versions.put(t.get(), version.get());
                    }
                } else {
                    metrics.filtered.increment();
                }
            }
            metrics.captured.increment(events.size());
            metrics.processed.increment(kept.size());
            StreamEvent last = events.get(events.size() - 1);
            long lastSeq = sequence.addAndGet(events.size());
            LaneBatch batch = new LaneBatch(List.copyOf(kept), lastSeq, last.position(), events.get(0).commitTime(),
                    versions, lastSeq - events.size() + 1, catchUps);
            for (SinkLane lane : lanes) {
                if (!lane.enqueue(batch)) {
                    return;
                }
            }
        }

        @Override
        public boolean isStopping() {
            return stopping;
        }

        @Override
        public PluginMetrics metrics() {
            return sourceMetrics;
        }

        @Override
        public void snapshotProgress(SnapshotProgress progress) {
            String table = progress.table().toString();
            if (snapshotProgress.put(table, progress) == null) {
                metrics.gauge("cdc.snapshot.rows.read", "Rows read by the snapshot", () -> rows(table, false),
                        "table", table);
                metrics.gauge("cdc.snapshot.rows.estimated", "Rows the snapshot expects to read",
                        () -> rows(table, true), "table", table);
            }
            listeners.forEach(l -> l.onSnapshotProgress(progress));
        }

        private Number rows(String table, boolean estimated) {
            SnapshotProgress p = snapshotProgress.get(table);
            if (p == null) {
                return 0;
            }
            if (estimated) {
                OptionalLong e = p.rowsEstimated();
                return e.isPresent() ? e.getAsLong() : -1;
            }
            return p.rowsRead();
        }
    }

    /** Raises (and clears) lag alerts per sink against {@code metrics.lag-alert-threshold}. */
    private final class LagAlerts {
        private final Map<String, Boolean> alerting = new ConcurrentHashMap<>();
        private final AtomicLong active = new AtomicLong();

        LagAlerts() {
            metrics.gauge("cdc.pipeline.lag.alert", "1 while some sink's lag is above the alert threshold", this,
                    a -> a.active.get() > 0 ? 1 : 0);
        }

        void check() {
            Duration threshold = spec.metrics().lagAlertThreshold();
            for (SinkLane lane : lanes) {
                Duration lag = Duration.ofMillis((long) (lane.lagSeconds() * 1000));
                boolean over = lag.compareTo(threshold) > 0;
                Boolean was = alerting.put(lane.name(), over);
                if (over && !Boolean.TRUE.equals(was)) {
                    active.incrementAndGet();
                    LOG.warn("ALERT pipeline '{}' sink '{}': lag {} s is above the threshold of {} s", spec.name(),
                            lane.name(), lag.toSeconds(), threshold.toSeconds());
                    listeners.forEach(l -> l.onLagAlert(lane.name(), lag, threshold));
                } else if (!over && Boolean.TRUE.equals(was)) {
                    active.decrementAndGet();
                    LOG.info("pipeline '{}' sink '{}': lag back to {} s", spec.name(), lane.name(), lag.toSeconds());
                    listeners.forEach(l -> l.onLagRecovered(lane.name(), lag));
                }
            }
        }
    }

    /** For status output: when the last checkpoint was saved. */
    public Optional<Instant> lastCheckpointTime() {
        return coordinator == null ? Optional.empty() : coordinator.lastSavedAt();
    }
}
