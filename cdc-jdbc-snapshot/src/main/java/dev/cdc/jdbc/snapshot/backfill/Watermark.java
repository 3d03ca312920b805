package dev.cdc.jdbc.snapshot.backfill;

import java.util.Objects;
import java.util.Optional;

/**
 * A low or high watermark of one backfill chunk, as written through the database's log: the
 * text {@code <request id>:<chunk>:low} or {@code ...:high} (a PostgreSQL logical message with
 * prefix {@link #PREFIX}, a row of MySQL's watermark table). Chunk numbers are unique across
 * restarts of the source ({@link BackfillRunner} starts them from the clock), so a watermark the
 * log sends again after a restart never matches a chunk read since.
 *
 * @param requestId the backfill request's id (may contain {@code ':'})
 * @param chunk     the chunk's number
 * @param high      true for the high watermark
 */
public record Watermark(String requestId, long chunk, boolean high) {

    /** The prefix of PostgreSQL watermark messages. */
    public static final String PREFIX = "cdc";

    public Watermark {
        Objects.requireNonNull(requestId, "requestId");
    }

    /** {@code <id>:<chunk>:low|high}. */
    public String text() {
        return requestId + ":" + chunk + ":" + (high ? "high" : "low");
    }

    /** The watermark written as {@code text}, or empty when the text is not one. */
    public static Optional<Watermark> parse(String text) {
        int kind = text.lastIndexOf(':');
        int chunk = kind <= 0 ? -1 : text.lastIndexOf(':', kind - 1);
        if (chunk <= 0) {
            return Optional.empty();
        }
        String k = text.substring(kind + 1);
        if (!k.equals("low") && !k.equals("high")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Watermark(text.substring(0, chunk), Long.parseLong(text.substring(chunk + 1, kind)),
                    k.equals("high")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The other watermark of the same chunk. */
    public Watermark other() {
        return new Watermark(requestId, chunk, !high);
    }
}
