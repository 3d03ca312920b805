package dev.cdc.core.spec;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What re-attaching a detached sink of a running pipeline did.
 *
 * @param sink      the sink
 * @param detached  the detached record it ended (where and why the sink was detached)
 * @param from      the last position the sink skipped: it receives every change after it (empty when
 *                  the stream had carried nothing yet)
 * @param backfills the one-sink backfills queued to fill what it missed, in table order
 */
public record Reattachment(String sink, PipelineStatus.Detached detached, Optional<Position> from,
                           List<Backfill> backfills) {

    public Reattachment {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(detached, "detached");
        Objects.requireNonNull(from, "from");
        backfills = List.copyOf(backfills);
    }

    /** The sink is attached: there is nothing to re-attach. */
    public static final class NotDetached extends IllegalStateException {
        public NotDetached(String sink) {
            super("sink '" + sink + "' is not detached");
        }
    }

    /** One queued backfill: its id and table. */
    public record Backfill(String id, TableId table) {
        public Backfill {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(table, "table");
        }
    }
}
