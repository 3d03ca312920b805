package dev.cdc.source.postgres.bench;

import dev.cdc.api.event.Position;
import dev.cdc.api.spi.SourceContext;

import java.util.Optional;

/** What the benchmarks' counting contexts share: pipeline "bench", a first start. */
abstract class BenchContext implements SourceContext {

    @Override
    public String pipelineName() {
        return "bench";
    }

    @Override
    public Optional<Position> resumePosition() {
        return Optional.empty();
    }
}
