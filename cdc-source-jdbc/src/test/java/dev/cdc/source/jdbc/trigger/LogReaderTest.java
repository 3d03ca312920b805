package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.event.Position;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogReaderTest {

    @Test
    void sortKeyIsTheBatchKeyAndTheRanksEightDigits() {
        long[][] cases = {{0, 1}, {1, 3}, {748_392, 2 * 524_288 + 1}, {Long.MAX_VALUE, 0xffff_ffffL}, {5, 1L << 33}};
        for (long[] c : cases) {
            assertThat(LogReader.sortKey(c[0], c[1])).isEqualTo(Position.sortKeyOf(c[0]) + LogReader.hex8(c[1]));
        }
        assertThat(LogReader.sortKey(0x1a2b, 0x3c)).isEqualTo("0000000000001a2b0000003c");
    }
}
