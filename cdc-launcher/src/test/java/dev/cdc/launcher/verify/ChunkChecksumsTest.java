package dev.cdc.launcher.verify;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkChecksumsTest {

    /** The digests of rows 0..n-1 with the form {"v":i}, in a chunk's layout. */
    private static long[] digests(int n) {
        long[] d = new long[2 * n];
        ChunkChecksums.Digester digester = new ChunkChecksums.Digester();
        for (int i = 0; i < n; i++) {
            byte[] form = ("{\"v\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            digester.digest(Integer.toString(i), form, 0, form.length, d, 2 * i);
        }
        return d;
    }

    private static void put(long[] digests, int i, byte[] row) {
        ByteBuffer b = ByteBuffer.wrap(row);
        digests[2 * i] = b.getLong();
        digests[2 * i + 1] = b.getLong();
    }

    @Test
    void equalSidesHaveNoDifferingRow() {
        assertThat(ChunkChecksums.differing(digests(1000), digests(1000), 1000)).isEmpty();
    }

    @Test
    void exactlyTheMissingAndDifferentRowsAreFoundInChunkOrder() {
        long[] stored = digests(1000);
        put(stored, 0, new byte[16]);
        put(stored, 511, new byte[16]);
        put(stored, 512, ChunkChecksums.row("512", "{\"v\":-1}"));
        put(stored, 999, new byte[16]);
        // one character of one value differs: found
        put(stored, 700, ChunkChecksums.row("700", "{\"v\":701}"));
        assertThat(ChunkChecksums.differing(digests(1000), stored, 1000)).containsExactly(0, 511, 512, 700, 999);
    }

    @Test
    void everyRowDifferentIsFoundToo() {
        assertThat(ChunkChecksums.differing(digests(37), new long[2 * 37], 37)).hasSize(37);
    }

    @Test
    void theDigesterGivesTheRowDigestFromBytesAtAnOffsetAlsoForNonAsciiIdsAndLongForms() {
        long[] d = new long[4];
        ChunkChecksums.Digester digester = new ChunkChecksums.Digester();
        for (String id : List.of("1", "ключ-€", "[\"a\",1]")) {
            for (String form : List.of("{}", "{\"name\":\"zoë\"}", "{\"x\":\"" + "y".repeat(5000) + "\"}")) {
                byte[] padded = ("xx" + form + "yy").getBytes(StandardCharsets.UTF_8);
                digester.digest(id, padded, 2, padded.length - 4, d, 2);
                put(d, 0, ChunkChecksums.row(id, form));
                assertThat(d[2]).as("%s %s", id, form).isEqualTo(d[0]);
                assertThat(d[3]).as("%s %s", id, form).isEqualTo(d[1]);
            }
        }
    }

    @Test
    void theIdIsPartOfTheDigestAndTheSeparatorKeepsIdAndFormApart() {
        assertThat(ChunkChecksums.row("1", "{}")).isNotEqualTo(ChunkChecksums.row("2", "{}"));
        assertThat(ChunkChecksums.row("1", "2{}")).isNotEqualTo(ChunkChecksums.row("12", "{}"));
        assertThat(ChunkChecksums.row("1", "{}")).isEqualTo(ChunkChecksums.row("1", "{}"));
    }

    @Test
    void differingFieldsAreNamed() {
        assertThat(TableVerifier.fields("{\"a\":1,\"b\":\"x\",\"c\":null}", "{\"a\":1,\"b\":\"y\",\"d\":2}"))
                .containsExactly("b", "c", "d");
        assertThat(TableVerifier.fields("{\"a\":1}", "not json")).containsExactly("(whole row)");
    }

    @Test
    void theRowHashIsMurmur3x64of128() {
        // reference values: Guava's Hashing.murmur3_128() (seed 0), which prints h1 and h2 little-endian
        assertThat(guavaHex("hello")).isEqualTo("029bbd41b3a7d8cb191dae486a901e5b");
        assertThat(guavaHex("the quick brown fox jumps over")).isEqualTo("7d342e9ba12a76e1b76665c066367045");
        for (int n = 0; n < 40; n++) {
            assertThat(ChunkChecksums.murmur3(new byte[n])).as("length %d vs %d", n, n + 1)
                    .isNotEqualTo(ChunkChecksums.murmur3(new byte[n + 1]));
        }
    }

    private static String guavaHex(String text) {
        java.nio.ByteBuffer digest = java.nio.ByteBuffer.wrap(ChunkChecksums.murmur3(
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        long h1 = digest.getLong();
        long h2 = digest.getLong();
        return java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(16)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h1).putLong(h2).array());
    }
}
