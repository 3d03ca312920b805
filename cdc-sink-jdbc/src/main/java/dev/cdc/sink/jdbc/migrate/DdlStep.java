package dev.cdc.sink.jdbc.migrate;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a migration: its statements, the check that tells it was already applied (a
 * replay, or a crash after the step but before the sink recorded the migration), and, where the
 * statements depend on what the target has (the name of a key constraint), how to make them then.
 * The sink runs a step only when its check says it is not done, so a migration applied twice
 * changes nothing.
 *
 * @param sql     the statements as the preview shows them (and as they run, unless {@code resolve} says)
 * @param done    whether the target already has what the step makes
 * @param note    a comment for the preview (what was not carried over), when any
 * @param resolve the statements to run, made from the target's state at that moment, when they depend on it
 */
public record DdlStep(List<String> sql, Check done, Optional<String> note, Optional<Resolve> resolve) {

    /** Reads the target's state to decide whether a step is done. */
    @FunctionalInterface
    public interface Check {
        boolean test(Lookup target) throws SQLException;
    }

    /** Makes a step's statements from the target's state. */
    @FunctionalInterface
    public interface Resolve {
        List<String> statements(Lookup target) throws SQLException;
    }

    /** A check for statements that are harmless to run again (a type change to the type it has). */
    public static final Check NEVER_DONE = target -> false;

    public DdlStep {
        sql = List.copyOf(sql);
        Objects.requireNonNull(done, "done");
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(resolve, "resolve");
    }

    static DdlStep of(String sql, Check done) {
        return new DdlStep(List.of(sql), done, Optional.empty(), Optional.empty());
    }

    DdlStep withNote(String text) {
        return new DdlStep(sql, done, Optional.of(text), resolve);
    }

    /** The statements to run now. */
    public List<String> statements(Lookup target) throws SQLException {
        return resolve.isPresent() ? resolve.get().statements(target) : sql;
    }

    /** The statements as the preview shows them: the last with the note as a trailing comment. */
    public List<String> preview() {
        if (note.isEmpty() || sql.isEmpty()) {
            return sql;
        }
        List<String> out = new java.util.ArrayList<>(sql);
        out.set(out.size() - 1, out.get(out.size() - 1) + " -- " + note.get());
        return out;
    }
}
