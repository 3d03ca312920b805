package dev.cdc.source.postgres.backfill;

import dev.cdc.api.event.TableId;
import dev.cdc.source.postgres.catalog.TableCatalog;
import dev.cdc.source.postgres.replication.PublicationSetup;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Notices tables that start being captured while the source streams: a table added to the
 * publication (or created, under a publication FOR ALL TABLES) that the {@code tables} patterns
 * select, or every one when there are none. Checked at most every {@link #INTERVAL}.
 */
public final class CaptureWatch {

    /** How often the publication is read. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);

    private final List<String> patterns;
    private long next = System.nanoTime() + INTERVAL.toNanos();

    public CaptureWatch(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** The captured tables not in {@code selected} yet, sorted; empty until the interval passed. */
    public Set<TableId> newTables(PublicationSetup publication, TableCatalog catalog, Set<TableId> selected)
            throws SQLException {
        long now = System.nanoTime();
        if (now < next) {
            return Set.of();
        }
        next = now + INTERVAL.toNanos();
        Set<TableId> out = new TreeSet<>(publication.publicationTables());
        if (!patterns.isEmpty()) {
            out.retainAll(catalog.matching(patterns));
        }
        out.removeAll(selected);
        return out;
    }
}
