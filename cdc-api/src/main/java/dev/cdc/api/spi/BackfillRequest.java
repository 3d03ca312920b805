package dev.cdc.api.spi;

import dev.cdc.api.event.TableId;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A request to read rows of one captured table again while the stream goes on: a table added to
 * the capture, a sink rebuilt or re-attached, keys {@code cdc verify} found different. The source
 * reads the rows in key-ordered chunks and interleaves them with the live stream by the watermark
 * method of Netflix's DBLog: a chunk is read between a low and a high watermark written through
 * the database's log, the rows of the chunk that the log changed between the two watermarks are
 * dropped from it, and the rest are emitted as {@link dev.cdc.api.event.Operation#READ} events at
 * the high watermark's position. So a backfilled row never overwrites a newer streamed one, and
 * nothing is locked.
 *
 * <p>Key values are text, one string per primary-key column in the table's key order, as the
 * database prints them (the form a snapshot's resume point is kept in).
 *
 * @param id          unique, chosen by whoever asked (the engine keeps the request under it)
 * @param table       the table to read
 * @param where       an SQL condition on the table's columns, ANDed to each chunk's query; empty
 *                    for every row
 * @param keys        when not empty, read exactly these keys (in chunks) instead of a range: a key
 *                    found is emitted as a READ, a key the table no longer holds as a DELETE (so
 *                    the targets end holding what the table holds for these keys)
 * @param sinks       the sinks the rows go to; empty for every sink of the pipeline
 * @param resumeAfter the key of the last row of the last chunk every target sink durably took:
 *                    a resumed backfill starts after it; empty to start from the first key
 */
public record BackfillRequest(String id, TableId table, Optional<String> where, List<List<String>> keys,
                              Set<String> sinks, Optional<List<String>> resumeAfter) {

    /**
     * Header on a backfill's events naming, comma-separated, the only sinks the event goes to; an
     * event without it goes to every sink.
     */
    public static final String SINKS_HEADER = "cdc.backfill.sinks";

    /** Header on a backfill's events carrying the request's {@link #id}. */
    public static final String ID_HEADER = "cdc.backfill.id";

    public BackfillRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(where, "where");
        keys = keys.stream().map(List::copyOf).toList();
        sinks = Set.copyOf(sinks);
        Objects.requireNonNull(resumeAfter, "resumeAfter");
        resumeAfter = resumeAfter.map(List::copyOf);
        if (id.isBlank()) {
            throw new IllegalArgumentException("a backfill needs an id");
        }
    }

    /** Every row of a table, into every sink. */
    public static BackfillRequest table(String id, TableId table) {
        return new BackfillRequest(id, table, Optional.empty(), List.of(), Set.of(), Optional.empty());
    }

    /** Whether this request names its keys instead of a range. */
    public boolean byKeys() {
        return !keys.isEmpty();
    }

    /** Whether the rows go to this sink. */
    public boolean targets(String sink) {
        return sinks.isEmpty() || sinks.contains(sink);
    }

    /** The same request, resuming after this key. */
    public BackfillRequest resumingAfter(List<String> key) {
        return new BackfillRequest(id, table, where, keys, sinks, Optional.of(key));
    }
}
