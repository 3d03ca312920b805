package dev.cdc.source.postgres.decoding;

import dev.cdc.jdbc.snapshot.backfill.Watermark;

/**
 * The logical decoding message prefixes cdc reserves for itself: {@value #CDC} (backfill
 * watermarks, {@link Watermark#PREFIX}) and every prefix starting {@code cdc-} (the heartbeat
 * {@value #HEARTBEAT}, and any later one). PostgreSQL hands every slot of a database the messages
 * every session emits, so each pipeline sees the others' too; a reserved message never becomes an
 * event, whichever pipeline wrote it and whatever the {@code messages} option says.
 */
public final class InternalMessages {

    /** The backfill watermarks' prefix. */
    public static final String CDC = Watermark.PREFIX;
    /** What {@code heartbeat-interval} emits. */
    public static final String HEARTBEAT = CDC + "-heartbeat";

    private InternalMessages() {
    }

    /** Whether {@code prefix} is cdc's own: {@value #CDC} or {@code cdc-...}. */
    public static boolean reserved(String prefix) {
        return prefix.equals(CDC) || prefix.startsWith(CDC + "-");
    }
}
