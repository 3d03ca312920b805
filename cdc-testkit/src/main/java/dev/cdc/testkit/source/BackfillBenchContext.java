package dev.cdc.testkit.source;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.SourceContext;

import java.util.List;
import java.util.Optional;

/**
 * The context of a backfill-vs-snapshot benchmark: counts READ rows and the other change events
 * without keeping them. Without a request it serves a snapshot run (the source stops by itself,
 * e.g. {@code snapshot-mode: initial-only}); with one, it lists the request once {@link #start}ed
 * and asks the source to stop once its last chunk was reported. Thread-safe counters; the source
 * calls it from its thread.
 */
public class BackfillBenchContext implements SourceContext {

    private final Optional<BackfillRequest> request;
    private volatile boolean started;
    private volatile boolean finished;
    private volatile long reads;
    private volatile long streamed;
    private volatile long chunks;

    public BackfillBenchContext(Optional<BackfillRequest> request) {
        this.request = request;
    }

    /** From now on the request is listed. */
    public void start() {
        started = true;
    }

    public long reads() {
        return reads;
    }

    /** The chunks the source reported. */
    public long chunks() {
        return chunks;
    }

    /** Whether the request's last chunk was reported. */
    public boolean finished() {
        return finished;
    }

    /** Change events other than READ (the streamed load). */
    public long streamed() {
        return streamed;
    }

    @Override
    public String pipelineName() {
        return "bench";
    }

    @Override
    public Optional<Position> resumePosition() {
        return Optional.empty();
    }

    @Override
    public void emit(List<? extends StreamEvent> events) {
        long r = 0;
        long s = 0;
        for (StreamEvent e : events) {
            if (e instanceof ChangeEvent c) {
                if (c.operation() == Operation.READ) {
                    r++;
                } else {
                    s++;
                }
            }
        }
        reads += r;
        streamed += s;
    }

    @Override
    public List<BackfillRequest> backfills() {
        return request.isEmpty() || finished || !started ? List.of() : List.of(request.get());
    }

    @Override
    public void backfillChunk(String id, List<String> lastKey, Position at, long rows, long rowsEstimated,
                              boolean last) {
        chunks++;
        finished |= last;
    }

    /** With a request: once its last chunk was reported; without: never (override for a snapshot that does not end). */
    @Override
    public boolean isStopping() {
        return request.isPresent() && finished;
    }
}
