package dev.cdc.core.spec;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A sink lane's on-disk backlog: where the events its sink has not taken yet go once its
 * in-memory queue is full, so the source and the other lanes keep their pace, and its budget.
 *
 * @param maxBytes the most bytes of segment files; 0 turns spilling off (a full queue then blocks
 *                 the source, as {@code when-full: pause} does)
 * @param maxAge   the oldest an unacknowledged batch may get; empty for no limit
 * @param whenFull what happens when either limit is reached
 */
public record BacklogSettings(long maxBytes, Optional<Duration> maxAge, WhenFull whenFull) {

    /** 1 GiB, no age limit, pause. */
    public static final BacklogSettings DEFAULT = new BacklogSettings(1L << 30, Optional.empty(), WhenFull.PAUSE);

    /** No spilling: a full in-memory queue blocks the source. */
    public static final BacklogSettings OFF = new BacklogSettings(0, Optional.empty(), WhenFull.PAUSE);

    public BacklogSettings {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("backlog max-bytes was " + maxBytes + " but it must be >= 0");
        }
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(whenFull, "whenFull");
    }

    /** True when the lane spills to disk. */
    public boolean spills() {
        return maxBytes > 0;
    }

    /** What a lane does once its backlog budget is spent. */
    public enum WhenFull {
        /** The source waits until the sink has taken enough (nothing is lost; every sink waits). */
        PAUSE,
        /** The sink leaves the checkpoint: the others and the source's position move on without it. */
        DETACH,
        /** The pipeline stops; the checkpoint stays at what every sink acknowledged. */
        FAIL;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
