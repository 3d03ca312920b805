package dev.cdc.core.runtime;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.api.spi.Source;
import dev.cdc.core.backfill.BackfillStore;
import dev.cdc.core.backfill.Backfills;
import dev.cdc.core.backfill.SignalTable;
import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.schema.SchemaTracker;
import dev.cdc.core.spec.PipelineListener;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.Reattachment;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.schema.registry.SchemaRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one pipeline: its lifecycle and wiring. {@link #start} creates and opens the plugins, the
 * lanes ({@link SinkLane}, one thread each), the {@link IngestStage} the source emits through
 * (on a thread of its own) and the {@link CheckpointCoordinator} (on a timer); it stops (drain,
 * final checkpoint, close) on request, when a finite source is done, or on a failure.
 */
public final class PipelineRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);

    private final PipelineSpec spec;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final PluginContexts contexts;
    private final List<PipelineListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<PipelineState> state = new AtomicReference<>(PipelineState.CREATED);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Plugins plugins;
    private final List<SinkLane> lanes = new ArrayList<>();
    private final List<Thread> laneThreads = new CopyOnWriteArrayList<>();
    private final LagAlerts lagAlerts;

    private final PipelineHooks hooks;
    private final Backfills backfills;
    private volatile boolean shutdownStarted;
    private volatile boolean stopAsked;
    private volatile IngestStage ingest;
    private Source source;
    private volatile LaneReattacher reattacher;
    private CheckpointCoordinator coordinator;
    private ScheduledExecutorService timer;
    private Thread sourceThread;

    public PipelineRunner(PipelineSpec spec, MeterRegistry registry, Clock clock) {
        this.spec = spec;
        this.clock = clock;
        this.metrics = new PipelineMetrics(registry, spec.name());
        this.contexts = new PluginContexts(spec.name(), registry, clock, spec.stateDirectory());
        this.plugins = new Plugins(spec.name(), contexts);
        metrics.gauge("cdc.pipeline.state", "0 created, 1 starting, 2 running, 3 stopping, 4 stopped, 5 completed, 6 failed",
                this, r -> r.state.get().ordinal());
        this.hooks = new PipelineHooks(spec.name(), listeners, this::fail);
        this.backfills = new Backfills(spec.name(), BackfillStore.of(spec), spec.sinks().stream().map(SinkSpec::name)
                .toList(), registry, clock);
        this.lagAlerts = new LagAlerts(spec.name(), spec.metrics().lagAlertThreshold(), lanes, listeners, metrics);
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
        hooks.stateChanged(PipelineState.CREATED, PipelineState.STARTING);
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
            throw new CdcException("pipeline '" + spec.name() + "' could not start: " + t, t);
        }
        transition(PipelineState.RUNNING);
    }

    private void open() throws Exception {
        CheckpointStore store = plugins.create(spec.checkpoint());
        Optional<Checkpoint> restored = store.load();
        restored.ifPresentOrElse(
                c -> LOG.info("pipeline '{}': resuming after checkpoint {} saved {} in {}", spec.name(), c.position(),
                        c.savedAt(), store.describe()),
                () -> LOG.info("pipeline '{}': no checkpoint in {}; starting fresh", spec.name(), store.describe()));
        SchemaTracker schemas = new SchemaTracker(SchemaRegistry.open(SchemaTracker.store(spec.stateDirectory())), clock);
        TransformChain chain = new TransformChain(plugins.createAll(spec.filters()),
                plugins.createAll(spec.transforms()));
        LaneWiring wiring = new LaneWiring(spec, plugins, metrics, clock);
        reattacher = new LaneReattacher(spec, lanes, wiring, backfills, hooks, schemas, this::startWorker);
        hooks.opened(restored.map(Checkpoint::position), wiring.detachedSinks());
        for (SinkSpec s : spec.sinks()) {
            lanes.add(wiring.lane(s, hooks));
        }
        for (SinkLane lane : lanes) {
            if (lane.detached().isPresent()) {
                reattacher.notOpened(lane.name());
                continue;
            }
            lane.sink().open();
            if (lane.deadLetterSink().isPresent()) {
                lane.deadLetterSink().get().open();
            }
        }
        backfills.open(restored.map(Checkpoint::position),
                s -> lanes.stream().anyMatch(l -> l.name().equals(s) && l.detached().isPresent()));
        ingest = new IngestStage(hooks, schemas, chain, lanes, metrics, contexts.metrics("source"),
                clock, backfills, spec.engine().signalTable().map(SignalTable::new));
        source = plugins.create(spec.source());
        backfills.source(spec.source().type(), source.canBackfill());
        source.open(ingest);
        coordinator = new CheckpointCoordinator(spec.name(), store, source, lanes, metrics, clock, restored, c -> {
            backfills.committed(c.position());
            listeners.forEach(l -> l.onCheckpoint(c));
        });
        lanes.forEach(this::startWorker);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-" + spec.name() + "-checkpoint");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(10, spec.engine().checkpointInterval().toMillis());
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        sourceThread = new Thread(this::runSource, "cdc-" + spec.name() + "-source");
        sourceThread.start();
    }

    private void startWorker(SinkLane lane) {
        Thread t = new Thread(lane, "cdc-" + spec.name() + "-sink-" + lane.name());
        laneThreads.add(t);
        t.start();
    }

    /**
     * Re-attaches a detached sink while the pipeline runs ({@link LaneReattacher#reattach}).
     *
     * @throws IllegalStateException when the pipeline is not running (and as {@link LaneReattacher#reattach})
     */
    public synchronized Reattachment reattach(String sink, List<TableId> tables) {
        if (state.get() != PipelineState.RUNNING || shutdownStarted) {
            throw new IllegalStateException("pipeline '" + spec.name() + "' is " + state.get() + ", not RUNNING");
        }
        return reattacher.reattach(sink, tables);
    }

    /** The tables the pipeline's schema history knows (every table the stream carried), without the signal table. */
    public List<TableId> capturedTables() {
        LaneReattacher r = reattacher;
        return r == null ? List.of() : r.capturedTables();
    }

    private void tick() {
        try {
            coordinator.commit();
            lagAlerts.check();
            lanes.forEach(SinkLane::checkAge);
        } catch (Throwable t) {
            LOG.warn("pipeline '{}': checkpoint tick failed: {}", spec.name(), t.toString());
        }
    }

    private void runSource() {
        try {
            source.run(ingest);
            if (!hooks.isStopping()) {
                LOG.info("pipeline '{}': the source has no more events; draining", spec.name());
                shutdown(PipelineState.COMPLETED);
            }
        } catch (InterruptedException e) {
            if (!hooks.isStopping()) {
                fail(e);
            }
        } catch (Throwable t) {
            if (hooks.isStopping() && hooks.isAborting()) {
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
        stopAsked = true;
        shutdown(PipelineState.STOPPED);
    }

    private void fail(Throwable cause) {
        if (failure.compareAndSet(null, cause)) {
            LOG.error("pipeline '{}' failed: {}", spec.name(), cause.getMessage() == null ? cause.toString()
                    : cause.getMessage());
            LOG.debug("failure detail", cause);
        }
        hooks.abort();
        shutdown(PipelineState.FAILED);
    }

    private void shutdown(PipelineState end) {
        synchronized (this) {
            if (shutdownStarted) {
                return;
            }
            shutdownStarted = true;
        }
        hooks.stop();
        transition(PipelineState.STOPPING);
        new Thread(() -> drainAndClose(end), "cdc-" + spec.name() + "-shutdown").start();
    }

    private void drainAndClose(PipelineState end) {
        long deadline = System.nanoTime() + spec.engine().shutdownTimeout().toNanos();
        try {
            CompletionDrain.join(spec, sourceThread, deadline, hooks::abort);
            lanes.forEach(SinkLane::end);
            if (end == PipelineState.COMPLETED) {
                CompletionDrain.await(spec.name(), lanes, laneThreads, () -> stopAsked || hooks.isAborting());
                deadline = System.nanoTime() + spec.engine().shutdownTimeout().toNanos();
            }
            for (Thread t : laneThreads) {
                CompletionDrain.join(spec, t, deadline, hooks::abort);
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
            PipelineState finalState = failure.get() != null ? PipelineState.FAILED
                    : CompletionDrain.finalState(spec.name(), end, lanes);
            transition(finalState);
            LOG.info("pipeline '{}': {}{}", spec.name(), finalState.name().toLowerCase(Locale.ROOT),
                    coordinator == null ? "" : coordinator.last().map(c -> "; checkpoint " + c.position()).orElse(""));
            terminated.countDown();
        }
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public PipelineStatus status() {
        Optional<Checkpoint> cp = coordinator == null ? Optional.empty() : coordinator.last();
        IngestStage stage = ingest;
        return new PipelineStatus(spec.name(), state.get(),
                Optional.ofNullable(failure.get()).map(f -> f.getMessage() == null ? f.toString() : f.getMessage()),
                stage == null ? 0 : stage.sequence() + 1, cp.map(Checkpoint::position), cp.map(Checkpoint::savedAt),
                lanes.stream().map(SinkLane::status).toList(),
                stage == null ? Optional.empty() : stage.waitingOn(),
                stage == null ? List.of() : stage.retentionWarning().stream().toList());
    }

    /** The snapshot progress the source reported, per table. */
    public Map<String, SnapshotProgress> snapshotProgress() {
        IngestStage stage = ingest;
        return stage == null ? Map.of() : stage.snapshotProgress();
    }

    /** The pipeline's backfills: requests, progress. */
    public Backfills backfills() {
        return backfills;
    }

    /** Saves a checkpoint now if the lanes moved on (for tests and the launcher's status). */
    public boolean checkpointNow() {
        return coordinator != null && coordinator.commit();
    }

    /** For status output: when the last checkpoint was saved. */
    public Optional<Instant> lastCheckpointTime() {
        return coordinator == null ? Optional.empty() : coordinator.lastSavedAt();
    }

    private void transition(PipelineState to) {
        PipelineState from = state.getAndSet(to);
        if (from != to) {
            hooks.stateChanged(from, to);
        }
    }

    private void closeAll() {
        plugins.closeAll();
    }
}
