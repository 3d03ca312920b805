package dev.cdc.format.debezium;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A PostgreSQL interval from its text in the default {@code postgres} style
 * ({@code 1 year 2 mons 3 days 04:05:06.789}, {@code -1 days +00:00:00.000001}), read as pgjdbc's
 * {@code PGInterval} reads it, and written as Debezium's {@code MicroDuration} (microseconds, a
 * month as 365.25 / 12 days, computed in doubles as Debezium does) or {@code Interval} (ISO-8601).
 */
record PgInterval(int years, int months, int days, int hours, int minutes, int wholeSeconds, int microPart) {

    private static final double DAYS_PER_MONTH_AVG = 365.25 / 12.0d;

    static PgInterval parse(String text) {
        int years = 0;
        int months = 0;
        int days = 0;
        int hours = 0;
        int minutes = 0;
        int seconds = 0;
        int micros = 0;
        String[] tokens = text.trim().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.indexOf(':') >= 0) {
                boolean negative = t.startsWith("-");
                String hms = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
                String[] p = hms.split(":");
                int sign = negative ? -1 : 1;
                hours = sign * Integer.parseInt(p[0]);
                minutes = sign * Integer.parseInt(p[1]);
                if (p.length > 2) {
                    String[] sec = p[2].split("\\.");
                    seconds = sign * Integer.parseInt(sec[0]);
                    if (sec.length > 1) {
                        micros = sign * Integer.parseInt((sec[1] + "000000").substring(0, 6));
                    }
                }
                continue;
            }
            if (i + 1 >= tokens.length) {
                continue;
            }
            int n = Integer.parseInt(t.startsWith("+") ? t.substring(1) : t);
            String unit = tokens[++i];
            if (unit.startsWith("year")) {
                years = n;
            } else if (unit.startsWith("mon")) {
                months = n;
            } else if (unit.startsWith("day")) {
                days = n;
            }
        }
        return new PgInterval(years, months, days, hours, minutes, seconds, micros);
    }

    private double seconds() {
        return wholeSeconds + microPart / 1e6;
    }

    /** Debezium's {@code MicroDuration.durationMicros}. */
    long micros() {
        double numberOfDays = ((years * 12) + months) * DAYS_PER_MONTH_AVG + days;
        double numberOfSeconds = (((numberOfDays * 24 + hours) * 60) + minutes) * 60 + seconds();
        return (long) (numberOfSeconds * 1e6);
    }

    /** Debezium's {@code Interval.toIsoString}: {@code P1Y2M3DT4H5M6.789S}. */
    String isoString() {
        BigDecimal s = BigDecimal.valueOf(seconds());
        if (s.scale() > 9) {
            s = s.setScale(9, RoundingMode.DOWN);
        }
        return "P" + years + "Y" + months + "M" + days + "D" + "T" + hours + "H" + minutes + "M"
                + s.stripTrailingZeros().toPlainString() + "S";
    }
}
