package dev.cdc.source.postgres.types;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL's ISO text of dates and times, written here as the server writes it, reads back to the same value. */
class TemporalTextTest {

    @Test
    void edgeTexts() {
        assertThat(TemporalText.timestampTz("2024-01-01 00:00:01+00")).isEqualTo(Instant.parse("2024-01-01T00:00:01Z"));
        assertThat(TemporalText.timestampTz("2024-01-01 05:30:01.5+05:30")).isEqualTo(Instant.parse("2024-01-01T00:00:01.5Z"));
        assertThat(TemporalText.timestampTz("1850-01-01 00:00:00-00:53:28")).isEqualTo(Instant.parse("1850-01-01T00:53:28Z"));
        assertThat(TemporalText.timestampTz("0044-03-15 12:00:00.000001+00 BC"))
                .isEqualTo(LocalDateTime.of(-43, 3, 15, 12, 0, 0, 1000).toInstant(ZoneOffset.UTC));
        assertThat(TemporalText.timestampTz("294276-12-31 23:59:59.999999+00"))
                .isEqualTo(LocalDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000).toInstant(ZoneOffset.UTC));
        assertThat(TemporalText.timestampTz("infinity")).isEqualTo("infinity");
        assertThat(TemporalText.timestampTz("-infinity")).isEqualTo("-infinity");
        assertThat(TemporalText.timestamp("4713-01-01 00:00:00 BC")).isEqualTo(LocalDateTime.of(-4712, 1, 1, 0, 0));
        assertThat(TemporalText.timestamp("2024-02-29 23:59:59.123")).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_000_000));
        assertThat(TemporalText.date("10000-01-01")).isEqualTo(LocalDate.of(10000, 1, 1));
        assertThat(TemporalText.date("0001-01-01 BC")).isEqualTo(LocalDate.of(0, 1, 1));
        assertThat(TemporalText.time("24:00:00")).isEqualTo("24:00:00");
        assertThat(TemporalText.time("13:45:00.000001")).isEqualTo(LocalTime.of(13, 45, 0, 1000));
    }

    @Test
    void randomTimestampsWithOffsets() {
        SplittableRandom random = new SplittableRandom(15);
        for (int i = 0; i < 100_000; i++) {
            LocalDateTime local = LocalDateTime.of(random.nextInt(1, 12000), random.nextInt(1, 13), random.nextInt(1, 29),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), random.nextInt(1_000_000) * 1000);
            int offset = random.nextInt(-15 * 3600, 15 * 3600 + 1);
            String text = pgText(local) + offsetText(offset);
            Instant expected = local.toInstant(ZoneOffset.ofTotalSeconds(offset));
            assertThat(TemporalText.timestampTz(text)).as(text).isEqualTo(expected);
            assertThat(TemporalText.timestamp(pgText(local))).isEqualTo(local);
        }
    }

    /** {@code yyyy-MM-dd HH:mm:ss[.ffffff]} with trailing zeros of the fraction dropped, as PostgreSQL writes it. */
    private static String pgText(LocalDateTime t) {
        String text = String.format("%04d-%02d-%02d %02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond());
        if (t.getNano() != 0) {
            text += ("." + String.format("%06d", t.getNano() / 1000)).replaceAll("0+$", "");
        }
        return text;
    }

    private static String offsetText(int seconds) {
        int a = Math.abs(seconds);
        String text = (seconds < 0 ? "-" : "+") + String.format("%02d", a / 3600);
        if (a % 3600 != 0) {
            text += String.format(":%02d", a % 3600 / 60);
            if (a % 60 != 0) {
                text += String.format(":%02d", a % 60);
            }
        }
        return text;
    }
}
