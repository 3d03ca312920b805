package dev.cdc.core.backfill;

import dev.cdc.api.event.TableId;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A backfill's progress as {@code /backfills}, {@code /status} and {@code cdc status} show it.
 *
 * @param id            the request's id
 * @param table         its table
 * @param sinks         the sinks it targets; empty for every sink
 * @param state         where it stands
 * @param rows          rows the source emitted for it (in this and earlier runs; earlier runs count
 *                      only their durable chunks)
 * @param rowsEstimated the table's estimated row count; -1 when unknown
 * @param rate          rows per second in this run, 0 before its first chunk
 * @param etaSeconds    seconds left at this rate, when the estimate and the rate are known
 * @param error         why it failed, when it did
 */
public record BackfillStatus(String id, TableId table, Set<String> sinks, BackfillState state, long rows,
                             long rowsEstimated, double rate, OptionalDouble etaSeconds, Optional<String> error) {

    public BackfillStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(table, "table");
        sinks = Set.copyOf(sinks);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(etaSeconds, "etaSeconds");
        Objects.requireNonNull(error, "error");
    }
}
