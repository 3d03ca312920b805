package dev.cdc.format;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The codec writes an instant exactly as {@code Instant.toString()} does, for every year and fraction. */
class InstantTextTest {

    @Test
    void sameTextAsInstantToString() {
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.MIN, Instant.MAX,
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("0000-01-01T00:00:00Z").minusNanos(1),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("9999-12-31T23:59:59.999999999Z").plusNanos(1),
                Instant.parse("0044-03-15T12:00:00.100Z"), Instant.parse("2024-02-29T23:59:59.000001Z")));
        SplittableRandom random = new SplittableRandom(15);
        int[] nanoSteps = {1_000_000_000, 1_000_000, 1_000, 1};
        for (int i = 0; i < 200_000; i++) {
            long seconds = i % 2 == 0 ? random.nextLong(-62_167_219_200L - 86_400L * 800, 253_402_300_799L + 86_400L * 800)
                    : random.nextLong(0, 4_102_444_800L);
            int step = nanoSteps[i % nanoSteps.length];
            instants.add(Instant.ofEpochSecond(seconds, step == 1_000_000_000 ? 0 : random.nextInt(1_000_000_000 / step) * step));
        }
        for (Instant t : instants) {
            assertThat(JsonValues.text(t)).as("%s", t).isEqualTo(t.toString());
            assertThat(JsonValues.instant(t)).isEqualTo(t.toString());
        }
    }
}
