package dev.cdc.core.runtime;

import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.spi.Sink;
import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.schema.compatibility.SchemaPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a pipeline's {@link SinkLane}s from its spec: the sink and its dead-letter target, the
 * lane's own filters and transforms, its schema gate, its on-disk backlog
 * ({@code <state>/backlog/<sink>/}, when the pipeline has a state directory and the sink spills),
 * and whether an earlier run detached it ({@link DetachedSinks}).
 */
final class LaneWiring {

    private static final Logger LOG = LoggerFactory.getLogger(LaneWiring.class);
    /** Size at which a backlog segment file is closed and the next one begun. */
    static final long SEGMENT_BYTES = 64L * 1024 * 1024;

    private final PipelineSpec spec;
    private final Plugins plugins;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final Optional<DetachedSinks> detachedSinks;

    LaneWiring(PipelineSpec spec, Plugins plugins, PipelineMetrics metrics, Clock clock) {
        this.spec = spec;
        this.plugins = plugins;
        this.metrics = metrics;
        this.clock = clock;
        this.detachedSinks = spec.stateDirectory().map(DetachedSinks::new);
    }

    Optional<DetachedSinks> detachedSinks() {
        return detachedSinks;
    }

    SinkLane lane(SinkSpec s, LaneOwner owner) {
        Optional<PipelineStatus.Detached> detached = detachedSinks.flatMap(d -> d.find(s.name()));
        detached.ifPresent(d -> LOG.warn("pipeline '{}': sink '{}' is DETACHED since {} at position {} ({}); it "
                        + "receives nothing. It misses every change after that position: run `cdc reattach "
                        + "<pipeline.yaml> {} --backfill` (now, or while it is stopped) to re-attach it and backfill "
                        + "what it missed", spec.name(), s.name(), d.since(), d.position(),
                d.reason(), s.name()));
        Sink sink = plugins.create(s.sink());
        Set<SchemaChangeKind> supported = sink.supportedSchemaChanges();
        checkSchemaPolicy(s, supported);
        Optional<Sink> dlq = s.deadLetter().map(plugins::create);
        SchemaGate gate = SchemaGate.open(s.name(), s.sink().type(), s.effectiveSchemaPolicy(), supported,
                spec.stateDirectory(), clock);
        Optional<Backlog> backlog = detached.isEmpty() ? backlog(s) : Optional.empty();
        return new SinkLane(s, sink, dlq, plugins.createAll(s.filters()), plugins.createAll(s.transforms()), metrics,
                owner, clock, spec.engine().flushInterval(), gate, backlog, detached);
    }

    /** The sink's on-disk backlog, {@code <state>/backlog/<sink>/}, when it spills and there is a state directory. */
    Optional<Backlog> backlog(SinkSpec s) {
        if (!s.backlog().spills()) {
            return Optional.empty();
        }
        if (spec.stateDirectory().isEmpty()) {
            LOG.info("pipeline '{}': sink '{}' does not spill to disk: the pipeline has no state directory (its "
                    + "checkpoint store is not 'file'); a full lane makes the source wait", spec.name(), s.name());
            return Optional.empty();
        }
        Path dir = spec.stateDirectory().get().resolve("backlog").resolve(s.name());
        return Optional.of(plugins.track(Backlog.open(dir, SEGMENT_BYTES, s.name())));
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
}
