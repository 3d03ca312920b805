package dev.cdc.format;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * Fast parsing of the ISO forms {@link JsonValues} writes for the common case (four-digit years,
 * {@code HH:mm:ss} with an optional fraction of 1 to 9 digits, UTC {@code Z}): the JDK's parsers
 * build formatter state per call, which dominated reading envelopes. Anything else goes to the
 * JDK's parser, so the result is the same for every input. Stateless and thread-safe.
 */
final class IsoTimes {

    private IsoTimes() {
    }

    static LocalDate date(String s) {
        if (s.length() == 10 && s.charAt(4) == '-' && s.charAt(7) == '-') {
            return LocalDate.of(digits(s, 0, 4), digits(s, 5, 7), digits(s, 8, 10));
        }
        return LocalDate.parse(s);
    }

    static LocalTime time(String s) {
        LocalTime t = timeAt(s, 0, s.length());
        return t != null ? t : LocalTime.parse(s);
    }

    static LocalDateTime dateTime(String s) {
        if (s.length() >= 19 && s.charAt(10) == 'T' && s.charAt(4) == '-' && s.charAt(7) == '-') {
            LocalTime t = timeAt(s, 11, s.length());
            if (t != null) {
                return LocalDateTime.of(LocalDate.of(digits(s, 0, 4), digits(s, 5, 7), digits(s, 8, 10)), t);
            }
        }
        return LocalDateTime.parse(s);
    }

    static Instant instant(String s) {
        int n = s.length();
        if (n >= 20 && s.charAt(n - 1) == 'Z' && s.charAt(10) == 'T' && s.charAt(4) == '-' && s.charAt(7) == '-') {
            LocalTime t = timeAt(s, 11, n - 1);
            if (t != null) {
                LocalDate d = LocalDate.of(digits(s, 0, 4), digits(s, 5, 7), digits(s, 8, 10));
                return LocalDateTime.of(d, t).toInstant(ZoneOffset.UTC);
            }
        }
        return Instant.parse(s);
    }

    /** {@code HH:mm:ss[.f{1,9}]} in s[from, to), or null when it has another form. */
    private static LocalTime timeAt(String s, int from, int to) {
        int len = to - from;
        if (len < 8 || s.charAt(from + 2) != ':' || s.charAt(from + 5) != ':' || len == 9 || len > 18
                || (len > 8 && s.charAt(from + 8) != '.')) {
            return null;
        }
        int nano = 0;
        if (len > 8) {
            nano = digits(s, from + 9, to);
            for (int i = to - from - 9; i < 9; i++) {
                nano *= 10;
            }
        }
        return LocalTime.of(digits(s, from, from + 2), digits(s, from + 3, from + 5), digits(s, from + 6, from + 8), nano);
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw new DateTimeException("'" + s + "' is not an ISO date or time");
            }
            v = v * 10 + d;
        }
        return v;
    }
}
