package dev.cdc.source.postgres.types;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * PostgreSQL's ISO text forms of dates and times ({@code DateStyle=ISO}, which pgjdbc insists
 * on). Years beyond 9999 and BC dates are read; {@code infinity} / {@code -infinity} become the
 * largest / smallest value of the Java type ({@code LocalDate.MAX}, {@code Instant.MAX}, ...);
 * {@code 24:00:00} becomes {@code LocalTime.MAX}.
 */
final class TemporalText {

    private TemporalText() {
    }

    static LocalDate date(String s) {
        if (s.equals("infinity")) {
            return LocalDate.MAX;
        }
        if (s.equals("-infinity")) {
            return LocalDate.MIN;
        }
        boolean bc = s.endsWith(" BC");
        return dateOf(bc ? s.substring(0, s.length() - 3) : s, bc);
    }

    private static LocalDate dateOf(String s, boolean bc) {
        int d1 = s.indexOf('-');
        int year = Integer.parseInt(s.substring(0, d1));
        int month = Integer.parseInt(s.substring(d1 + 1, d1 + 3));
        int day = Integer.parseInt(s.substring(d1 + 4, d1 + 6));
        return LocalDate.of(bc ? 1 - year : year, month, day);
    }

    static LocalTime time(String s) {
        if (s.startsWith("24:00:00")) {
            return LocalTime.MAX;
        }
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

    static LocalDateTime timestamp(String s) {
        if (s.equals("infinity")) {
            return LocalDateTime.MAX;
        }
        if (s.equals("-infinity")) {
            return LocalDateTime.MIN;
        }
        boolean bc = s.endsWith(" BC");
        String t = bc ? s.substring(0, s.length() - 3) : s;
        int space = t.indexOf(' ');
        return LocalDateTime.of(dateOf(t.substring(0, space), bc), time(t.substring(space + 1)));
    }

    static Instant timestampTz(String s) {
        if (s.equals("infinity")) {
            return Instant.MAX;
        }
        if (s.equals("-infinity")) {
            return Instant.MIN;
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
        LocalDateTime local = LocalDateTime.of(dateOf(t.substring(0, space), bc), time(timePart.substring(0, sign)));
        return local.toInstant(java.time.ZoneOffset.UTC).minusSeconds(offsetSeconds);
    }
}
