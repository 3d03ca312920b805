package dev.cdc.sink.redis;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptChunkTest {

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void smallArraysAndShortStringsUseTheFixFormats() {
        byte[] packed = ScriptChunk.msgpackStrings(List.of("ab".getBytes(StandardCharsets.US_ASCII), new byte[0]));
        assertThat(packed).isEqualTo(bytes(0x92, 0xa2, 'a', 'b', 0xa0));
    }

    @Test
    void longerArraysAndStringsUse16And32BitLengths() {
        List<byte[]> items = new ArrayList<>();
        items.add(new byte[32]);
        items.add(new byte[65_536]);
        for (int i = 0; i < 14; i++) {
            items.add(new byte[0]);
        }
        byte[] packed = ScriptChunk.msgpackStrings(items);
        assertThat(Arrays.copyOfRange(packed, 0, 6)).isEqualTo(bytes(0xdc, 0, 16, 0xda, 0, 32));
        assertThat(Arrays.copyOfRange(packed, 38, 43)).isEqualTo(bytes(0xdb, 0, 1, 0, 0));
        assertThat(packed).hasSize(3 + 3 + 32 + 5 + 65_536 + 14);
    }
}
