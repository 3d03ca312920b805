package dev.cdc.core.runtime;

import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.spi.Sink;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.format.EnvelopeHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A sink's failure policy ({@code on-failure}) for events its delivery gave up on: {@code fail}
 * stops the lane with a {@link SinkFailureException} naming the event, {@code dead-letter} writes
 * the event with its error headers to the dead-letter target (through a retry loop of its own;
 * if that target gives up too, the lane stops: nothing is dropped silently), {@code skip} counts
 * and logs it. Only rejections get here: an outage of the target is retried by the {@link Delivery}
 * until it ends and never takes the policy. Used from the lane thread only.
 */
final class Rejections {

    private static final Logger LOG = LoggerFactory.getLogger(Rejections.class);

    private final SinkSpec spec;
    private final Sink sink;
    private final Optional<Sink> deadLetter;
    private final Delivery deadLetterDelivery;
    private final LaneStats stats;

    Rejections(SinkSpec spec, Sink sink, Optional<Sink> deadLetter, LaneStats stats, BooleanSupplier aborting) {
        this.spec = spec;
        this.sink = sink;
        this.deadLetter = deadLetter;
        this.stats = stats;
        this.deadLetterDelivery = new Delivery("dead-letter target of sink '" + spec.name() + "'", spec.retry(),
                stats, aborting);
    }

    /**
     * Events the delivery gave up on. One event, or the failures a sink named, take the policy at
     * once; for a whole batch the culprits are found by writing the events one at a time, in
     * order, and the ones that still fail take the policy (under {@code fail}, the first of them
     * stops the lane and is named in the error).
     */
    void exhausted(List<ChangeEvent> events, int attempts, Exception cause, Delivery delivery) throws Exception {
        if (events.size() == 1 || cause instanceof PartialWriteException) {
            for (ChangeEvent e : events) {
                route(e, attempts, cause);
            }
            return;
        }
        for (ChangeEvent e : events) {
            // through the delivery: should the target go down meanwhile, that outage waits, it is no rejection
            Delivery.Outcome single = delivery.runOnce(() -> {
                sink.write(List.of(e));
                sink.flush();
            });
            if (single.succeeded()) {
                stats.written(1);
            } else {
                route(e, attempts + single.attempts(), single.failure().get());
            }
        }
    }

    /** Applies the failure policy to one event. */
    void route(ChangeEvent event, int attempts, Exception cause) throws Exception {
        stats.failed();
        if (spec.onFailure() == FailurePolicy.FAIL) {
            throw new SinkFailureException(spec.name(), event, attempts, cause);
        }
        String reason = cause instanceof PartialWriteException p ? p.failures().get(0).reason() : String.valueOf(cause);
        if (spec.onFailure() == FailurePolicy.SKIP) {
            stats.skipped();
            LOG.warn("sink '{}': skipped {} after {} attempt(s): {}", spec.name(), SinkFailureException.describe(event),
                    attempts, reason);
            return;
        }
        ChangeEvent letter = event.withHeader(EnvelopeHeaders.ERROR_MESSAGE, reason)
                .withHeader(EnvelopeHeaders.ERROR_CLASS, cause.getClass().getName())
                .withHeader(EnvelopeHeaders.ERROR_SINK, spec.name())
                .withHeader(EnvelopeHeaders.ERROR_ATTEMPTS, Integer.toString(attempts));
        Sink target = deadLetter.orElseThrow();
        Delivery.Outcome written = deadLetterDelivery.run(() -> {
            target.write(List.of(letter));
            target.flush();
        });
        if (!written.succeeded()) {
            Exception e = written.failure().get();
            throw new SinkFailureException(spec.name(), "could not write " + SinkFailureException.describe(event)
                    + " (" + reason + ") and its dead-letter target failed too: " + e, e);
        }
        stats.deadLettered();
        LOG.warn("sink '{}': sent {} to the dead-letter target after {} attempt(s): {}", spec.name(),
                SinkFailureException.describe(event), attempts, reason);
    }

    /** Under {@code skip}, a schema change that failed is skipped (true); any other policy stops the lane. */
    boolean skipsSchemaChanges() {
        return spec.onFailure() == FailurePolicy.SKIP;
    }
}
