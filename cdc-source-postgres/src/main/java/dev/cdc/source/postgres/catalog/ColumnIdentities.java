package dev.cdc.source.postgres.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which column ({@code pg_attribute.attnum}) each column of a Relation message is, when that
 * follows for sure; so that a column whose name changed between two Relation messages is known
 * to be renamed, not dropped and added.
 *
 * <p>A Relation message carries names and types, not attnums, and it describes the table as of
 * its place in the log, while the catalog describes it now: the reader may be behind (a column
 * renamed twice, or renamed and dropped, since). Names are therefore never looked up in the
 * catalog. What is used instead are facts that hold whatever happened since: a column keeps its
 * attnum for its whole life (RENAME COLUMN and ALTER TYPE keep it); a new column gets the next
 * attnum, above every earlier one; a dropped column keeps its attnum in {@code pg_attribute}
 * ({@code attisdropped}) for good; pgoutput lists a table's live, non-generated columns in attnum
 * order. From the columns the previous Relation message was known to have ({@code S}, with the
 * highest attnum then in use {@code H}; a table starts with none and 0), and the catalog now:
 * <ul>
 *   <li>no column of {@code S} dropped since, no dropped attnum above {@code H}, and no live
 *       column at or below {@code H} outside {@code S}; then the message's columns are {@code S}
 *       when it has as many, or {@code S} plus every column added since when it has as many as
 *       those together (any other count: the added columns may not all have been there yet, and
 *       which ones were cannot be told);</li>
 *   <li>or no column added since, and the message has as many columns as {@code S} (none of the
 *       drops reached yet) or as {@code S} without every dropped one;</li>
 *   <li>otherwise, or with a generated column, a publication column list on the table, or another
 *       table behind the same oid: unknown.</li>
 * </ul>
 * In each case the message's columns are a subset of a known set of its size, so they are that
 * set, matched by position. Unknown stays unknown until a table whose catalog allows the first
 * case from nothing (never a column dropped) is seen again. This assumes pgoutput publishes every
 * live non-generated column at the reader's position: a publication column list (PostgreSQL 15)
 * removed, or a generated column turned into a plain one (DROP EXPRESSION), between the reader's
 * position and the catalog read could mislead it.
 *
 * <p>Source thread only; state is per table oid, fed the Relation messages in log order.
 */
public final class ColumnIdentities {

    /** The columns of the last identified Relation message and the highest attnum then in use. */
    private record Known(List<Integer> live, int highest) {
        static final Known CREATED = new Known(List.of(), 0);
    }

    private final Map<Integer, Known> known = new HashMap<>();

    /**
     * The attnums of a Relation message's columns (in its order), when they follow for sure from
     * what came before and the catalog now; empty otherwise.
     *
     * @param oid       the Relation message's table oid
     * @param published how many columns the message lists
     * @param catalog   the table as the catalog says now (empty when it is gone)
     */
    public Optional<List<Integer>> identify(int oid, int published, Optional<CatalogTable> catalog) {
        if (catalog.isEmpty() || catalog.get().oid() != oid) {
            known.remove(oid);
            return Optional.empty();
        }
        Known from = known.get(oid);
        Optional<Known> next = Optional.ofNullable(from).flatMap(k -> advance(k, published, catalog.get()))
                .or(() -> advance(Known.CREATED, published, catalog.get()));
        if (next.isEmpty()) {
            known.remove(oid);
            return Optional.empty();
        }
        known.put(oid, next.get());
        return Optional.of(next.get().live());
    }

    /** Forgets what was known of a table (its next message cannot be identified from it); returns empty. */
    public Optional<List<Integer>> forget(int oid) {
        known.remove(oid);
        return Optional.empty();
    }

    /** The columns of a message of {@code published} columns after {@code from}, when certain. */
    static Optional<Known> advance(Known from, int published, CatalogTable now) {
        if (now.columnList() || now.columns().stream().anyMatch(CatalogColumn::generated)) {
            return Optional.empty();
        }
        Set<Integer> previous = new HashSet<>(from.live());
        Set<Integer> live = new HashSet<>();
        List<Integer> added = new ArrayList<>();
        for (CatalogColumn c : now.columns()) {
            live.add(c.attnum());
            if (c.attnum() > from.highest()) {
                added.add(c.attnum());
            } else if (!previous.contains(c.attnum())) {
                return Optional.empty(); // there then but not published then: cannot tell when that changed
            }
        }
        if (now.droppedAttnums().stream().anyMatch(a -> a > from.highest())) {
            return Optional.empty(); // added and dropped since: cannot tell whether it was there
        }
        added.sort(null);
        List<Integer> gone = from.live().stream().filter(a -> !live.contains(a)).toList();
        int n = from.live().size();
        if (gone.isEmpty()) {
            if (published == n) {
                return Optional.of(from);
            }
            if (published > n && published <= n + added.size()) {
                // the columns added by then are the first ones added (attnums only grow)
                List<Integer> all = new ArrayList<>(from.live());
                all.addAll(added.subList(0, published - n));
                return Optional.of(new Known(List.copyOf(all), added.get(published - n - 1)));
            }
            return Optional.empty();
        }
        if (!added.isEmpty()) {
            return Optional.empty();
        }
        if (published == n) {
            return Optional.of(from);
        }
        if (published == n - gone.size()) {
            return Optional.of(new Known(from.live().stream().filter(live::contains).toList(), from.highest()));
        }
        return Optional.empty();
    }
}
