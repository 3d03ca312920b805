package dev.cdc.plugins.generator;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A source of SYNTHETIC row changes, for demos, tests and benchmarks: no database is involved.
 * It says so in its log ({@code generator source: emitting SYNTHETIC changes}) and on every row
 * change (header {@value #SYNTHETIC_HEADER}{@code =true}).
 *
 * <p>The stream is {@link SyntheticChanges}: event {@code n} is a pure function of the options
 * and {@code n}, at position {@link Position#ofSequence(long) ofSequence(n)}, so after a restart
 * the source resumes at the checkpoint's sequence + 1 and emits exactly what an uninterrupted
 * run would have (commit times aside). Changing the options between runs changes the stream.
 *
 * <p>Threads: {@link #run} on the source thread; it checks {@link SourceContext#isStopping()}
 * before every batch and at least every 10 ms while pacing. {@link #commit} does nothing (there
 * is no log to release) and {@link #close} does nothing; both may be called any number of times.
 */
public final class GeneratorSource implements Source {

    /** The header that marks every generated row change; its value is {@code true}. */
    public static final String SYNTHETIC_HEADER = "cdc.synthetic";

    private static final Logger LOG = LoggerFactory.getLogger(GeneratorSource.class);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** At most about this many emits per second when paced: small rates still emit promptly. */
    private static final double PACED_EMITS_PER_SECOND = 100;

    private final SyntheticChanges changes;
    private final Clock clock;
    private final LongSupplier nanoClock;
    private volatile long nextSequence = -1;

    public GeneratorSource(GeneratorSettings settings, Clock clock) {
        this(settings, clock, System::nanoTime);
    }

    GeneratorSource(GeneratorSettings settings, Clock clock, LongSupplier nanoClock) {
        this.changes = new SyntheticChanges(settings);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** The stream this source emits. */
    public SyntheticChanges changes() {
        return changes;
    }

    /** The sequence of the next event to emit, or -1 before {@link #open}. Any thread. */
    public long nextSequence() {
        return nextSequence;
    }

    @Override
    public void open(SourceContext context) {
        nextSequence = startAfter(context.resumePosition());
    }

    @Override
    public void run(SourceContext context) throws InterruptedException {
        long sequence = nextSequence >= 0 ? nextSequence : startAfter(context.resumePosition());
        GeneratorSettings settings = changes.settings();
        long end = changes.endSequence();
        LOG.warn("generator source: emitting SYNTHETIC changes (tables {}, rate {}, count {}, keys {}, seed {}), "
                        + "starting at sequence {}", settings.tables(),
                settings.rate() == 0 ? "unlimited" : settings.rate() + "/s",
                settings.count() == 0 ? "unbounded" : settings.count(), settings.keys(), settings.seed(), sequence);
        int batchSize = settings.batchSize();
        RatePacer pacer = settings.rate() == 0 ? null
                : new RatePacer(settings.rate(), Math.max(batchSize, (long) Math.ceil(settings.rate())), nanoClock);
        long chunk = (long) Math.max(1, Math.min(batchSize, settings.rate() / PACED_EMITS_PER_SECOND));
        while (sequence < end && !context.isStopping()) {
            long n = Math.min(batchSize, end - sequence);
            if (pacer != null) {
                long least = Math.min(chunk, n);
                long taken = pacer.tryAcquire(least, n);
                if (taken == 0) {
                    pause(pacer.nanosUntilDue(least));
                    continue;
                }
                n = taken;
            }
            Instant now = clock.instant();
            List<StreamEvent> batch = new ArrayList<>((int) n);
            for (long s = sequence; s < sequence + n; s++) {
                batch.add(changes.eventAt(s, now));
            }
            context.emit(batch);
            sequence += n;
            nextSequence = sequence;
        }
        if (sequence >= end) {
            LOG.info("generator source: all {} changes emitted (last sequence {})", settings.count(), end - 1);
        }
    }

    private static void pause(long nanos) throws InterruptedException {
        LockSupport.parkNanos(Math.max(1, Math.min(nanos, MAX_PAUSE_NANOS)));
        if (Thread.interrupted()) {
            throw new InterruptedException("generator source interrupted while pacing");
        }
    }

    /** The first sequence to emit when resuming after {@code position} (0 without one). */
    static long startAfter(Optional<Position> position) {
        if (position.isEmpty()) {
            return 0;
        }
        String sequence = position.get().offsets().get("sequence");
        long s = -1;
        if (sequence != null) {
            try {
                s = Long.parseLong(sequence);
            } catch (NumberFormatException e) {
                s = -1;
            }
        }
        if (s < 0 || s == Long.MAX_VALUE) {
            throw new CdcException("generator source: cannot resume from checkpoint position " + position.get()
                    + ": expected an offset 'sequence' holding a number >= 0, as the generator writes; the "
                    + "checkpoint was written by another source. Delete the pipeline's checkpoint to start over.");
        }
        return s + 1;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "generator source (SYNTHETIC) " + changes.settings().tables();
    }
}
