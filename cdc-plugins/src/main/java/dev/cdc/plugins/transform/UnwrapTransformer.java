package dev.cdc.plugins.transform;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.spi.Transformer;
import dev.cdc.format.EnvelopeHeaders;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Marks row changes to be written unwrapped: sets {@link EnvelopeHeaders#ENVELOPE} to
 * {@link EnvelopeHeaders#UNWRAPPED} and, on deletes, {@link EnvelopeHeaders#DELETE_HANDLING};
 * the rows themselves are not changed, the envelope writer reads the headers. Deletes may be
 * dropped instead, and truncates too. Schema changes pass unchanged. Immutable; thread-safe.
 */
public final class UnwrapTransformer implements Transformer {

    /** What an unwrapped DELETE becomes. */
    public enum DeleteHandling {
        /** The key with a null value. */
        TOMBSTONE,
        /** The before row with {@code "__deleted": true}. */
        REWRITE,
        /** Nothing: the delete is removed. */
        DROP
    }

    private final DeleteHandling deleteHandling;
    private final boolean dropTruncates;

    public UnwrapTransformer(DeleteHandling deleteHandling, boolean dropTruncates) {
        this.deleteHandling = Objects.requireNonNull(deleteHandling, "deleteHandling");
        this.dropTruncates = dropTruncates;
    }

    @Override
    public Optional<ChangeEvent> apply(ChangeEvent event) {
        if (event.operation() == Operation.TRUNCATE && dropTruncates) {
            return Optional.empty();
        }
        if (event.operation() != Operation.DELETE) {
            ChangeEvent unwrapped = event.withHeader(EnvelopeHeaders.ENVELOPE, EnvelopeHeaders.UNWRAPPED);
            // every record carries the handling, so rewrite marks non-deletes too ("__deleted": false)
            return Optional.of(deleteHandling == DeleteHandling.REWRITE
                    ? unwrapped.withHeader(EnvelopeHeaders.DELETE_HANDLING, EnvelopeHeaders.DELETE_REWRITE) : unwrapped);
        }
        return switch (deleteHandling) {
            case DROP -> Optional.empty();
            case TOMBSTONE -> Optional.of(unwrappedDelete(event, EnvelopeHeaders.DELETE_TOMBSTONE));
            case REWRITE -> Optional.of(unwrappedDelete(event, EnvelopeHeaders.DELETE_REWRITE));
        };
    }

    private static ChangeEvent unwrappedDelete(ChangeEvent event, String handling) {
        return event.withHeader(EnvelopeHeaders.ENVELOPE, EnvelopeHeaders.UNWRAPPED)
                .withHeader(EnvelopeHeaders.DELETE_HANDLING, handling);
    }

    @Override
    public String toString() {
        return "unwrap (deletes: " + deleteHandling.name().toLowerCase(Locale.ROOT)
                + (dropTruncates ? ", truncates dropped)" : ")");
    }
}
