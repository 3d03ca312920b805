package dev.cdc.core.pipeline;

import dev.cdc.api.event.TableId;
import dev.cdc.core.backfill.Backfills;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.PipelineListener;
import dev.cdc.core.spec.Reattachment;
import dev.cdc.core.runtime.PipelineRunner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A running (or runnable) pipeline: the embedding API.
 *
 * <pre>{@code
 * try (Pipeline p = Pipeline.builder("demo")
 *         .source("generator", Map.of("count", 1000))
 *         .sink("out", "file", Map.of("path", "out/demo.jsonl"))
 *         .build()) {
 *     p.start();
 *     p.awaitTermination(Duration.ofMinutes(1));
 * }
 * }</pre>
 *
 * <p>{@link #start()} opens everything and returns; the pipeline then runs on its own threads.
 * {@link #stop()} asks for a graceful stop (drain, final checkpoint) and returns at once;
 * {@link #awaitTermination} waits for it. {@link #close()} stops and waits. Thread-safe.
 */
public final class Pipeline implements AutoCloseable {

    private final PipelineRunner runner;

    private Pipeline(PipelineSpec spec, MeterRegistry registry, Clock clock) {
        this.runner = new PipelineRunner(spec, registry, clock);
    }

    /** A pipeline from a validated spec, with its own in-memory metrics registry. */
    public static Pipeline create(PipelineSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return new Pipeline(spec, new SimpleMeterRegistry(), Clock.systemUTC());
    }

    /** A pipeline whose metrics go to {@code registry} (e.g. a Prometheus registry). */
    public static Pipeline create(PipelineSpec spec, MeterRegistry registry) {
        return new Pipeline(spec, registry, Clock.systemUTC());
    }

    /** Starts building a pipeline in code. */
    public static PipelineBuilder builder(String name) {
        return new PipelineBuilder(name);
    }

    /**
     * A pipeline from a YAML file, with the plugins found on the class path.
     *
     * @throws dev.cdc.api.error.ConfigurationException listing every problem, with file and line
     */
    public static Pipeline fromYaml(java.nio.file.Path file) {
        return create(loader().load(file));
    }

    /** A pipeline from YAML text; {@code sourceName} is what messages call it. */
    public static Pipeline fromYaml(String yaml, String sourceName) {
        return create(loader().parse(yaml, sourceName));
    }

    private static dev.cdc.core.config.PipelineLoader loader() {
        return new dev.cdc.core.config.PipelineLoader(
                dev.cdc.core.plugin.PluginRegistry.discover(Thread.currentThread().getContextClassLoader()));
    }

    public String name() {
        return runner.spec().name();
    }

    public PipelineSpec spec() {
        return runner.spec();
    }

    public Pipeline addListener(PipelineListener listener) {
        runner.addListener(listener);
        return this;
    }

    /**
     * Opens the checkpoint store, the sinks and the source, and starts capturing.
     *
     * @throws dev.cdc.api.error.CdcException if something could not be opened (the pipeline is then FAILED)
     */
    public void start() {
        runner.start();
    }

    /** Asks for a graceful stop; returns at once. */
    public void stop() {
        runner.stop();
    }

    /** Waits until the pipeline is STOPPED, COMPLETED or FAILED; true if it is. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return runner.awaitTermination(timeout);
    }

    public PipelineState state() {
        return runner.state();
    }

    /** Why the pipeline failed, if it did. */
    public Optional<Throwable> failure() {
        return runner.failure();
    }

    public PipelineStatus status() {
        return runner.status();
    }

    /**
     * The pipeline's backfills: {@link Backfills#request} asks for one (HTTP API),
     * {@link Backfills#statuses} shows their progress. Usable before {@link #start}.
     */
    public Backfills backfills() {
        return runner.backfills();
    }

    /**
     * Re-attaches a sink that was detached ({@code backlog.when-full: detach}) while the pipeline
     * runs: it receives every change from now on, and a backfill of each of {@code tables} into it
     * only fills what it missed. See {@link PipelineRunner#reattach}.
     *
     * @param tables the tables to backfill into it; empty for none
     */
    public Reattachment reattach(String sink, List<TableId> tables) {
        return runner.reattach(sink, tables);
    }

    /** The tables the pipeline's schema history knows (every table the stream carried), without the signal table. */
    public List<TableId> capturedTables() {
        return runner.capturedTables();
    }

    /** Commits a checkpoint now if every sink moved on since the last one; true if one was saved. */
    public boolean checkpointNow() {
        return runner.checkpointNow();
    }

    /** Stops gracefully and waits up to the shutdown timeout (plus a margin). */
    @Override
    public void close() throws InterruptedException {
        if (runner.state() != PipelineState.STARTING) {
            runner.stop();
        }
        runner.awaitTermination(spec().engine().shutdownTimeout().plusSeconds(10));
    }
}
