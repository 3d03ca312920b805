package dev.cdc.core.backfill;

import dev.cdc.api.spi.BackfillRequest;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the store keeps of one backfill: the request with its durable resume point
 * ({@link BackfillRequest#resumeAfter}), its state, and the rows every target sink durably holds.
 *
 * @param request       the request; its {@code resumeAfter} is the last durable chunk's last key
 * @param state         where it stands
 * @param rows          rows of chunks that are durable in every target sink
 * @param rowsEstimated the table's estimated row count the source last reported; -1 when unknown
 * @param error         why it failed, when it did
 * @param requestedAt   when it was asked for
 * @param updatedAt     when this record last changed
 */
public record BackfillRecord(BackfillRequest request, BackfillState state, long rows, long rowsEstimated,
                             Optional<String> error, Instant requestedAt, Instant updatedAt) {

    public BackfillRecord {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** A new request, queued at {@code now}. */
    public static BackfillRecord queued(BackfillRequest request, Instant now) {
        return new BackfillRecord(request, BackfillState.QUEUED, 0, -1, Optional.empty(), now, now);
    }

    public String id() {
        return request.id();
    }

    BackfillRecord with(BackfillRequest r, BackfillState s, long rowsDone, long estimated, Optional<String> why,
                        Instant now) {
        return new BackfillRecord(r, s, rowsDone, estimated, why, requestedAt, now);
    }

    /** The same record, failed for {@code reason}. */
    public BackfillRecord failed(String reason, Instant now) {
        return with(request, BackfillState.FAILED, rows, rowsEstimated, Optional.of(reason), now);
    }
}
