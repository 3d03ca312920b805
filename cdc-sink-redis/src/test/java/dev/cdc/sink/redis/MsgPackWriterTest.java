package dev.cdc.sink.redis;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class MsgPackWriterTest {

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void smallArraysShortStringsAndSmallIntegersUseTheFixFormats() {
        MsgPackWriter w = new MsgPackWriter(1);
        w.string("ab");
        w.string(new byte[0]);
        w.integer(5);
        w.integer(-3);
        assertThat(w.toArray()).isEqualTo(bytes(0x94, 0xa2, 'a', 'b', 0xa0, 5, 0xfd));
    }

    @Test
    void largerIntegersUse32And64Bits() {
        MsgPackWriter w = new MsgPackWriter(1);
        w.integer(-33);
        w.integer(300);
        w.integer(1L << 40);
        assertThat(w.toArray()).isEqualTo(bytes(0x93, 0xd2, 0xff, 0xff, 0xff, 0xdf, 0xd2, 0, 0, 1, 0x2c,
                0xd3, 0, 0, 1, 0, 0, 0, 0, 0));
    }

    @Test
    void nonAsciiTextIsWrittenAsUtf8WithItsByteLength() {
        MsgPackWriter w = new MsgPackWriter(1);
        w.string("aé€");
        assertThat(w.toArray()).isEqualTo(bytes(0x91, 0xa6, 'a', 0xc3, 0xa9, 0xe2, 0x82, 0xac));
    }

    @Test
    void longerArraysAndStringsUse16And32BitLengths() {
        MsgPackWriter w = new MsgPackWriter(1);
        w.string(new byte[32]);
        w.string("x".repeat(65_536));
        for (int i = 0; i < 14; i++) {
            w.string("");
        }
        byte[] packed = w.toArray();
        assertThat(Arrays.copyOfRange(packed, 0, 6)).isEqualTo(bytes(0xdc, 0, 16, 0xda, 0, 32));
        assertThat(Arrays.copyOfRange(packed, 38, 43)).isEqualTo(bytes(0xdb, 0, 1, 0, 0));
        assertThat(packed).hasSize(3 + 3 + 32 + 5 + 65_536 + 14);
        MsgPackWriter many = new MsgPackWriter(1);
        for (int i = 0; i < 65_536; i++) {
            many.integer(1);
        }
        assertThat(Arrays.copyOfRange(many.toArray(), 0, 5)).isEqualTo(bytes(0xdd, 0, 1, 0, 0));
    }
}
