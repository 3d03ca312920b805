package dev.cdc.testkit.assertion;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.Unchanged;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalRowsTest {

    @Test
    void numbersCompareByValueWhateverTheirType() {
        assertThat(CanonicalRows.canonical(new BigDecimal("10.50"))).isEqualTo(CanonicalRows.canonical(10.5d))
                .isEqualTo(CanonicalRows.canonical("10.5")).isEqualTo("10.5");
        assertThat(CanonicalRows.canonical(7)).isEqualTo(CanonicalRows.canonical(7L)).isEqualTo("7");
        assertThat(CanonicalRows.canonical(new BigDecimal("0.000"))).isEqualTo("0");
        assertThat(CanonicalRows.canonical(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(CanonicalRows.canonical(Double.NaN)).isEqualTo("NaN");
        assertThat(CanonicalRows.canonical("10.5.1")).isEqualTo("10.5.1");
    }

    @Test
    void otherValuesCompareByText() {
        assertThat(CanonicalRows.canonical(true)).isEqualTo("true");
        assertThat(CanonicalRows.canonical(LocalDate.of(2024, 5, 1))).isEqualTo("2024-05-01");
        assertThat(CanonicalRows.canonical(new byte[] {1, 2, 3})).isEqualTo("AQID");
        assertThat(CanonicalRows.canonical(List.of(1, 2L))).isEqualTo(List.of("1", "2"));
    }

    @Test
    void unchangedIsNeverItsText() {
        assertThat(CanonicalRows.canonical(Unchanged.VALUE)).isSameAs(Unchanged.VALUE)
                .isNotEqualTo(CanonicalRows.canonical("<unchanged>"));
    }

    @Test
    void nullAndAbsentAreTheSameAndExtraColumnsAreIgnoredByProjection() {
        Row written = Row.of("id", 1L, "note", null);
        Row stored = Row.of("id", 1, "_version", 3);
        assertThat(CanonicalRows.project(stored, written.columns())).isEqualTo(CanonicalRows.of(written))
                .isEqualTo(Map.of("id", "1"));
    }
}
