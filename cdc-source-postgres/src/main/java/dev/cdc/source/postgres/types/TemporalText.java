package dev.cdc.source.postgres.types;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * PostgreSQL's ISO text forms of dates and times ({@code DateStyle=ISO}, which pgjdbc insists
 * on). Years beyond 9999 and BC dates are read exactly. The values no Java type holds stay the
 * database's own text, as {@code DataType} documents: {@code infinity} / {@code -infinity} (date,
 * timestamp, timestamptz) and {@code 24:00:00} (time), so nothing is rounded or clamped.
 */
final class TemporalText {

    private TemporalText() {
    }

    /** A {@code LocalDate}, or the text {@code infinity} / {@code -infinity}. */
    static Object date(String s) {
        if (isInfinity(s)) {
            return s;
        }
        boolean bc = s.endsWith(" BC");
        return dateOf(bc ? s.substring(0, s.length() - 3) : s, bc);
    }

    private static boolean isInfinity(String s) {
        return s.equals("infinity") || s.equals("-infinity");
    }

    private static LocalDate dateOf(String s, boolean bc) {
        int d1 = s.indexOf('-');
        int year = Integer.parseInt(s.substring(0, d1));
        int month = Integer.parseInt(s.substring(d1 + 1, d1 + 3));
        int day = Integer.parseInt(s.substring(d1 + 4, d1 + 6));
        return LocalDate.of(bc ? 1 - year : year, month, day);
    }

    /** A {@code LocalTime}, or the text {@code 24:00:00} (with its fraction digits, if any). */
    static Object time(String s) {
        return s.startsWith("24:") ? s : localTime(s);
    }

    private static LocalTime localTime(String s) {
        int h = Integer.parseInt(s.substring(0, 2));
        int m = Integer.parseInt(s.substring(3, 5));
        int sec = Integer.parseInt(s.substring(6, 8));
        int nanos = 0;
        if (s.length() > 8 && s.charAt(8) == '.') {
            String frac = s.substring(9);
            nanos = Integer.parseInt((frac + "000000000").substring(0, 9));
        }
        return LocalTime.of(h, m, sec, nanos);
    }

    /** A {@code LocalDateTime}, or the text {@code infinity} / {@code -infinity}. */
    static Object timestamp(String s) {
        if (isInfinity(s)) {
            return s;
        }
        boolean bc = s.endsWith(" BC");
        String t = bc ? s.substring(0, s.length() - 3) : s;
        int space = t.indexOf(' ');
        return LocalDateTime.of(dateOf(t.substring(0, space), bc), localTime(t.substring(space + 1)));
    }

    /** An {@code Instant}, or the text {@code infinity} / {@code -infinity}. */
    static Object timestampTz(String s) {
        if (isInfinity(s)) {
            return s;
        }
        boolean bc = s.endsWith(" BC");
        String t = bc ? s.substring(0, s.length() - 3) : s;
        int space = t.indexOf(' ');
        String timePart = t.substring(space + 1);
        int sign = Math.max(timePart.lastIndexOf('+'), timePart.lastIndexOf('-'));
        String offset = timePart.substring(sign + 1);
        String[] parts = offset.split(":");
        int offsetSeconds = Integer.parseInt(parts[0]) * 3600
                + (parts.length > 1 ? Integer.parseInt(parts[1]) * 60 : 0)
                + (parts.length > 2 ? Integer.parseInt(parts[2]) : 0);
        if (timePart.charAt(sign) == '-') {
            offsetSeconds = -offsetSeconds;
        }
        LocalDateTime local = LocalDateTime.of(dateOf(t.substring(0, space), bc),
                localTime(timePart.substring(0, sign)));
        return local.toInstant(java.time.ZoneOffset.UTC).minusSeconds(offsetSeconds);
    }
}
