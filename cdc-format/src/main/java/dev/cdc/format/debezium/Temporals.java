package dev.cdc.format.debezium;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Debezium's temporal encodings ({@code io.debezium.time.*}): dates as days since the epoch,
 * times and timestamps as milli- or microseconds, zoned values as ISO-8601 text at UTC with the
 * column's fraction digits. Values no Java type holds (cdc delivers their text) become what
 * Debezium writes for them. Stateless.
 */
final class Temporals {

    /** pgjdbc's {@code PGStatement.DATE_POSITIVE_INFINITY}, which Debezium writes for +infinity. */
    static final long PG_POSITIVE_INFINITY = 9223372036825200000L;
    /** pgjdbc's {@code PGStatement.DATE_NEGATIVE_INFINITY}. */
    static final long PG_NEGATIVE_INFINITY = -9223372036832400000L;

    private Temporals() {
    }

    static FieldCodec date(boolean connect) {
        return FieldCodec.snapshotAware(() -> connect ? ConnectSchema.named("int32", "org.apache.kafka.connect.data.Date")
                : ConnectSchema.named("int32", "io.debezium.time.Date"), (g, v, snapshot) -> {
                    if (v instanceof LocalDate d) {
                        g.writeNumber((int) d.toEpochDay());
                    } else {
                        writeSpecialDate(g, v.toString(), snapshot);
                    }
                });
    }

    /**
     * PostgreSQL's infinity dates as Debezium writes them: from a snapshot, pgjdbc's sentinel
     * milliseconds as days, overflowed to an int; from the log, the days of Debezium's own
     * sentinel dates (-5877611-06-21 for +infinity, -5877611-06-22 for -infinity). Zero dates of
     * MySQL / MariaDB are null.
     */
    private static void writeSpecialDate(JsonGenerator g, String text, boolean snapshot) throws IOException {
        switch (text) {
            case "infinity" -> g.writeNumber(snapshot ? sqlDateDays(PG_POSITIVE_INFINITY)
                    : (int) LocalDate.parse("-5877611-06-21").toEpochDay());
            case "-infinity" -> g.writeNumber(snapshot ? sqlDateDays(PG_NEGATIVE_INFINITY)
                    : (int) LocalDate.parse("-5877611-06-22").toEpochDay());
            default -> g.writeNull();
        }
    }

    /**
     * What Debezium's snapshot makes of pgjdbc's infinity {@code java.sql.Date}: its local date (the
     * JVM's zone, Julian before 1582) in days, cast to an int.
     */
    private static int sqlDateDays(long millis) {
        return (int) new java.sql.Date(millis).toLocalDate().toEpochDay();
    }

    /** A time as milliseconds (int32, {@code io.debezium.time.Time}). */
    static FieldCodec timeMillis(boolean connect) {
        return FieldCodec.of(() -> connect ? ConnectSchema.named("int32", "org.apache.kafka.connect.data.Time")
                : ConnectSchema.named("int32", "io.debezium.time.Time"),
                (g, v) -> g.writeNumber((int) Math.floorDiv(timeNanos(v), 1_000_000L)));
    }

    /** A time as microseconds (int64, {@code io.debezium.time.MicroTime}); MySQL's signed durations too. */
    static FieldCodec timeMicros() {
        return FieldCodec.of(() -> ConnectSchema.named("int64", "io.debezium.time.MicroTime"),
                (g, v) -> g.writeNumber(Math.floorDiv(timeNanos(v), 1000L)));
    }

    /** Nanoseconds of a LocalTime, or of a time's text ({@code 24:00:00}, {@code -838:59:59.000000}). */
    static long timeNanos(Object v) {
        if (v instanceof LocalTime t) {
            return t.toNanoOfDay();
        }
        String s = v.toString();
        boolean negative = s.startsWith("-");
        String t = negative ? s.substring(1) : s;
        String[] parts = t.split(":");
        String[] sec = parts[2].split("\\.");
        long nanos = 0;
        if (sec.length > 1) {
            nanos = Long.parseLong((sec[1] + "000000000").substring(0, 9));
        }
        long total = ((Long.parseLong(parts[0]) * 60 + Long.parseLong(parts[1])) * 60 + Long.parseLong(sec[0]))
                * 1_000_000_000L + nanos;
        return negative ? -total : total;
    }

    /** A timestamp without zone as milliseconds ({@code io.debezium.time.Timestamp}). */
    static FieldCodec timestampMillis(boolean connect) {
        return FieldCodec.of(() -> connect ? ConnectSchema.named("int64", "org.apache.kafka.connect.data.Timestamp")
                : ConnectSchema.named("int64", "io.debezium.time.Timestamp"), (g, v) -> {
                    if (v instanceof LocalDateTime t) {
                        g.writeNumber(t.toInstant(ZoneOffset.UTC).toEpochMilli());
                    } else {
                        writeSpecialTimestamp(g, v.toString(), 1000);
                    }
                });
    }

    /** A timestamp without zone as microseconds ({@code io.debezium.time.MicroTimestamp}). */
    static FieldCodec timestampMicros() {
        return FieldCodec.of(() -> ConnectSchema.named("int64", "io.debezium.time.MicroTimestamp"), (g, v) -> {
            if (v instanceof LocalDateTime t) {
                Instant i = t.toInstant(ZoneOffset.UTC);
                g.writeNumber(i.getEpochSecond() * 1_000_000L + i.getNano() / 1000);
            } else {
                writeSpecialTimestamp(g, v.toString(), 1);
            }
        });
    }

    /** PostgreSQL's infinity timestamps: pgjdbc's sentinel in microseconds, divided by 1000 for millisecond columns. */
    private static void writeSpecialTimestamp(JsonGenerator g, String text, int divisor) throws IOException {
        switch (text) {
            case "infinity" -> g.writeNumber(PG_POSITIVE_INFINITY / divisor);
            case "-infinity" -> g.writeNumber(PG_NEGATIVE_INFINITY / divisor);
            default -> g.writeNull(); // MySQL / MariaDB zero dates
        }
    }

    /**
     * A zoned timestamp as {@code io.debezium.time.ZonedTimestamp}: ISO-8601 at UTC with exactly
     * {@code fraction} digits (1..9), or ISO's shortest form when 0; infinity as its text.
     */
    static FieldCodec zonedTimestamp(int fraction) {
        DateTimeFormatter f = fraction <= 0 || fraction > 9 ? DateTimeFormatter.ISO_OFFSET_DATE_TIME
                : new DateTimeFormatterBuilder().append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral('T')
                .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
                .appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
                .appendFraction(ChronoField.NANO_OF_SECOND, fraction, fraction, true).appendOffsetId()
                .toFormatter(Locale.ENGLISH);
        return FieldCodec.snapshotAware(() -> ConnectSchema.named("string", "io.debezium.time.ZonedTimestamp"),
                (g, v, snapshot) -> {
                    if (v instanceof Instant i) {
                        g.writeString(f.format(i.atOffset(ZoneOffset.UTC)));
                    } else if (v.toString().endsWith("infinity")) {
                        g.writeString(v.toString());
                    } else if (snapshot) {
                        g.writeNull(); // MySQL / MariaDB zero TIMESTAMP read by a snapshot: null
                    } else {
                        // ... and from the binlog: its stored 0 seconds, the epoch
                        g.writeString(f.format(Instant.EPOCH.atOffset(ZoneOffset.UTC)));
                    }
                });
    }

    /** PostgreSQL timetz as {@code io.debezium.time.ZonedTime}: the time at UTC, ISO-8601 ({@code 02:30:00Z}). */
    static FieldCodec zonedTime() {
        return FieldCodec.of(() -> ConnectSchema.named("string", "io.debezium.time.ZonedTime"), (g, v) -> {
            java.time.OffsetTime t = java.time.OffsetTime.parse(v.toString(), PG_TIMETZ);
            g.writeString(t.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_TIME));
        });
    }

    /** PostgreSQL's timetz text: {@code 08:00:00+05:30}, {@code 23:59:59.999999-12}. */
    private static final DateTimeFormatter PG_TIMETZ = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_TIME).appendPattern("[XXX][X]").toFormatter(Locale.ENGLISH);

    /** MySQL YEAR as {@code io.debezium.time.Year}. */
    static FieldCodec year() {
        return FieldCodec.of(() -> ConnectSchema.named("int32", "io.debezium.time.Year"),
                (g, v) -> g.writeNumber(((Number) v).intValue()));
    }
}
