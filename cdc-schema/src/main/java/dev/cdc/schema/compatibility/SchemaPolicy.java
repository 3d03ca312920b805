package dev.cdc.schema.compatibility;

import dev.cdc.api.schema.SchemaChange;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a sink does when a table's schema changes. Configured per sink by its tag
 * ({@code evolve}, {@code evolve-compatible}, {@code ignore}, {@code fail}, {@code manual}); the default is
 * {@link #DEFAULT}.
 *
 * <p>The first version of a table (a migration made only of {@code CreateTable}) is not an
 * evolution: every policy applies it, so that a pipeline under {@code fail} can start.
 * An empty migration is applied (there is nothing to do).
 */
public enum SchemaPolicy {
    /** Apply every migration, breaking ones included. */
    EVOLVE,
    /** Apply migrations whose every change is compatible in some direction; stop on a BREAKING change. */
    EVOLVE_COMPATIBLE,
    /** Never migrate the sink: keep writing, and the sink drops columns it does not know. */
    IGNORE,
    /** Stop the pipeline at any change, with the checkpoint just before it. */
    FAIL,
    /**
     * Hold every migration until an operator approves it (then it is applied as under
     * {@code evolve}) or rejects it (then the sink keeps its schema as under {@code ignore}); the
     * sink's lane waits at the change meanwhile.
     */
    MANUAL;

    /** The policy of a sink that does not configure one: apply what is safe, stop on what is not. */
    public static final SchemaPolicy DEFAULT = EVOLVE_COMPATIBLE;

    /** The lower-case tag used in YAML: {@code evolve-compatible}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The policy of a YAML tag; an unknown tag is an error that lists the known ones. */
    public static SchemaPolicy fromTag(String tag) {
        for (SchemaPolicy p : values()) {
            if (p.tag().equals(tag)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown schema policy '" + tag + "'; expected one of "
                + Arrays.stream(values()).map(SchemaPolicy::tag).toList());
    }

    /**
     * The decision for a migration, given the verdict of each of its changes in the same order
     * (as {@link Compatibility#of(List, java.util.Optional)} gives them).
     *
     * @throws IllegalArgumentException when there is not exactly one verdict per change
     */
    public PolicyDecision decide(List<SchemaChange> changes, Compatibility... verdicts) {
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(verdicts, "verdicts");
        if (changes.size() != verdicts.length) {
            throw new IllegalArgumentException("a decision needs one verdict per change but got " + verdicts.length
                    + " verdicts for " + changes.size() + " changes " + changes);
        }
        if (changes.stream().allMatch(c -> c instanceof SchemaChange.CreateTable)) {
            return PolicyDecision.APPLY;
        }
        return switch (this) {
            case EVOLVE -> PolicyDecision.APPLY;
            case EVOLVE_COMPATIBLE -> Arrays.stream(verdicts).allMatch(Compatibility::isCompatible)
                    ? PolicyDecision.APPLY : PolicyDecision.STOP;
            case IGNORE -> PolicyDecision.SKIP;
            case FAIL -> PolicyDecision.STOP;
            case MANUAL -> PolicyDecision.HOLD;
        };
    }

    /** {@link #decide(List, Compatibility...)} with the verdicts as a list. */
    public PolicyDecision decide(List<SchemaChange> changes, List<Compatibility> verdicts) {
        return decide(changes, verdicts.toArray(Compatibility[]::new));
    }
}
