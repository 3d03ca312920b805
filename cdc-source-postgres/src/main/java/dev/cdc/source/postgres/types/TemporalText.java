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
        return dateOf(s, 0, bc);
    }

    private static boolean isInfinity(String s) {
        return s.equals("infinity") || s.equals("-infinity");
    }

    /** The date {@code yyyy-MM-dd} (four or more year digits) starting at {@code from}. */
    private static LocalDate dateOf(String s, int from, boolean bc) {
        int d1 = s.indexOf('-', from);
        int year = number(s, from, d1);
        int month = number(s, d1 + 1, d1 + 3);
        int day = number(s, d1 + 4, d1 + 6);
        return LocalDate.of(bc ? 1 - year : year, month, day);
    }

    /** A {@code LocalTime}, or the text {@code 24:00:00} (with its fraction digits, if any). */
    static Object time(String s) {
        return s.startsWith("24:") ? s : localTime(s, 0, s.length());
    }

    /** {@code HH:mm:ss[.fraction]} in s[from, to); fraction digits past the ninth are ignored. */
    private static LocalTime localTime(String s, int from, int to) {
        int h = number(s, from, from + 2);
        int m = number(s, from + 3, from + 5);
        int sec = number(s, from + 6, from + 8);
        int nanos = 0;
        if (to - from > 8 && s.charAt(from + 8) == '.') {
            int digits = Math.min(to - from - 9, 9);
            nanos = number(s, from + 9, from + 9 + digits);
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        return LocalTime.of(h, m, sec, nanos);
    }

    /** A {@code LocalDateTime}, or the text {@code infinity} / {@code -infinity}. */
    static Object timestamp(String s) {
        if (isInfinity(s)) {
            return s;
        }
        boolean bc = s.endsWith(" BC");
        int end = bc ? s.length() - 3 : s.length();
        int space = s.indexOf(' ');
        return LocalDateTime.of(dateOf(s, 0, bc), localTime(s, space + 1, end));
    }

    /**
     * An {@code Instant}, or the text {@code infinity} / {@code -infinity}. The offset is
     * {@code +hh}, {@code +hh:mm} or {@code +hh:mm:ss} (or {@code -}).
     */
    static Object timestampTz(String s) {
        if (isInfinity(s)) {
            return s;
        }
        boolean bc = s.endsWith(" BC");
        int end = bc ? s.length() - 3 : s.length();
        int space = s.indexOf(' ');
        int sign = end - 1;
        while (s.charAt(sign) != '+' && s.charAt(sign) != '-') {
            sign--;
        }
        int offsetSeconds = number(s, sign + 1, sign + 3) * 3600;
        if (end > sign + 3) {
            offsetSeconds += number(s, sign + 4, sign + 6) * 60;
        }
        if (end > sign + 6) {
            offsetSeconds += number(s, sign + 7, end);
        }
        if (s.charAt(sign) == '-') {
            offsetSeconds = -offsetSeconds;
        }
        LocalDateTime local = LocalDateTime.of(dateOf(s, 0, bc), localTime(s, space + 1, sign));
        return local.toInstant(java.time.ZoneOffset.UTC).minusSeconds(offsetSeconds);
    }

    private static int number(String s, int from, int to) {
        return Integer.parseInt(s, from, to, 10);
    }
}
