package dev.cdc.launcher;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsUnitsPlainSecondsAndIso() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("0")).isEqualTo(Duration.ZERO);
        assertThat(converter.convert("15")).isEqualTo(Duration.ofSeconds(15));
        assertThat(converter.convert("PT3S")).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void rejectsOtherTextSayingWhatWouldDo() {
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'soon'").hasMessageContaining("10s");
    }

    @Test
    void aBadIntervalOnTheCommandLineExits2() {
        Cli r = Cli.run("run", "--status-interval", "soon", "x.yaml");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("'soon'");
    }
}
