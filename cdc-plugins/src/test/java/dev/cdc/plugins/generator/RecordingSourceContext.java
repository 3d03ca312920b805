package dev.cdc.plugins.generator;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.SourceContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** A source context that records what is emitted and stops when told to. */
final class RecordingSourceContext implements SourceContext {

    final List<StreamEvent> events = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new ArrayList<>();
    private final Optional<Position> resume;
    private volatile BooleanSupplier stopping = () -> false;

    RecordingSourceContext(Optional<Position> resume) {
        this.resume = resume;
    }

    RecordingSourceContext() {
        this(Optional.empty());
    }

    void stopWhen(BooleanSupplier condition) {
        this.stopping = condition;
    }

    /** Reports stopping from {@code millis} milliseconds from now on. */
    void stopAfterMillis(long millis) {
        long at = System.nanoTime() + millis * 1_000_000L;
        stopWhen(() -> System.nanoTime() >= at);
    }

    @Override
    public String pipelineName() {
        return "test";
    }

    @Override
    public Optional<Position> resumePosition() {
        return resume;
    }

    @Override
    public void emit(List<? extends StreamEvent> batch) {
        batchSizes.add(batch.size());
        events.addAll(batch);
    }

    @Override
    public boolean isStopping() {
        return stopping.getAsBoolean();
    }
}
