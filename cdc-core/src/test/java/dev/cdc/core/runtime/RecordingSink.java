package dev.cdc.core.runtime;

import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.spi.Sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An in-memory sink for runtime tests: written events become durable on flush. It can fail the
 * first N writes (retriable), reject some events for good, or be slow.
 */
final class RecordingSink implements Sink {
    final List<ChangeEvent> durable = new CopyOnWriteArrayList<>();
    private final List<ChangeEvent> buffer = new ArrayList<>();
    final AtomicInteger writeCalls = new AtomicInteger();
    volatile int failFirstWrites;
    volatile Predicate<ChangeEvent> rejectForever = e -> false;
    volatile boolean partial;
    /** With {@code partial}: the first this-many partial failures are marked retriable (then accepted). */
    volatile int retriablePartialFailures;
    volatile long delayMillis;
    /** While true, every write fails as an outage would (connection refused). */
    volatile boolean down;
    volatile boolean closed;
    volatile int closeCount;

    @Override
    public void write(List<ChangeEvent> events) throws Exception {
        int call = writeCalls.incrementAndGet();
        if (delayMillis > 0) {
            Thread.sleep(delayMillis);
        }
        if (down) {
            throw new RetriableException("simulated outage: connection refused");
        }
        if (call <= failFirstWrites) {
            throw new RetriableException("simulated outage, call " + call);
        }
        List<PartialWriteException.EventFailure> failures = new ArrayList<>();
        for (ChangeEvent e : events) {
            if (!partial && rejectForever.test(e)) {
                throw new IllegalArgumentException("rejected " + e.key());
            }
        }
        for (ChangeEvent e : events) {
            if (rejectForever.test(e) && partial && retriablePartialFailures > 0) {
                retriablePartialFailures--;
                failures.add(new PartialWriteException.EventFailure(e, "429 too many requests", true));
            } else if (rejectForever.test(e)) {
                failures.add(new PartialWriteException.EventFailure(e, "mapping rejected " + e.key(), false));
            } else {
                buffer.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw new PartialWriteException(failures);
        }
    }

    @Override
    public void flush() {
        durable.addAll(buffer);
        buffer.clear();
    }

    long maxDurableSequence() {
        return durable.stream().mapToLong(e -> Long.parseLong(e.position().offset("sequence"))).max().orElse(-1);
    }

    @Override
    public void close() {
        closed = true;
        closeCount++;
    }
}
