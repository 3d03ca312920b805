package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.schema.registry.SchemaVersion;

import java.util.Objects;
import java.util.Optional;

/**
 * One event on its way through a lane, with what the lane needs to know about it.
 *
 * @param event         the event (after the pipeline-wide filters and transforms; a lane replaces
 *                      it with what its own chain makes of it)
 * @param sequence      the engine's number of the source event, counted from 0 at each start; -1
 *                      for a catch-up, which is no source event
 * @param schemaVersion for a schema change: the registry's version of the table after it, when
 *                      known; empty for rows
 * @param catchUp       true for a schema change the engine made up from the schema history just
 *                      before a row of a table whose schema the stream had not announced in this
 *                      run: it sits at the row's position and is not a source event
 */
public record LaneEntry(StreamEvent event, long sequence, Optional<SchemaVersion> schemaVersion, boolean catchUp) {

    public LaneEntry {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(schemaVersion, "schemaVersion");
        if (catchUp && (sequence != -1 || !(event instanceof SchemaChangeEvent))) {
            throw new IllegalArgumentException("a catch-up is a schema change without a sequence");
        }
        if (!catchUp && sequence < 0) {
            throw new IllegalArgumentException("a source event needs a sequence >= 0 but had " + sequence);
        }
    }

    /** A row change, the {@code sequence}-th source event. */
    public static LaneEntry row(ChangeEvent event, long sequence) {
        return new LaneEntry(event, sequence, Optional.empty(), false);
    }

    /** A schema change the source emitted, with the registry's version after it. */
    public static LaneEntry schemaChange(SchemaChangeEvent event, long sequence, Optional<SchemaVersion> version) {
        return new LaneEntry(event, sequence, version, false);
    }

    /** A schema change made up from the history, just before the row it precedes. */
    public static LaneEntry catchUp(SchemaChangeEvent event, SchemaVersion version) {
        return new LaneEntry(event, -1, Optional.of(version), true);
    }

    /** The same entry carrying another form of its event (what a lane's own transforms made of it). */
    public LaneEntry withEvent(StreamEvent changed) {
        return changed == event ? this : new LaneEntry(changed, sequence, schemaVersion, catchUp);
    }

    /** True for a source event (not a catch-up). */
    public boolean fromSource() {
        return !catchUp;
    }
}
