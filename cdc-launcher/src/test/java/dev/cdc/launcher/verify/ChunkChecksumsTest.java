package dev.cdc.launcher.verify;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkChecksumsTest {

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(Integer.toString(i));
        }
        return ids;
    }

    private static Map<String, byte[]> digests(List<String> ids) {
        Map<String, byte[]> m = new HashMap<>();
        ids.forEach(id -> m.put(id, ChunkChecksums.row(id, "{\"v\":" + id + "}")));
        return m;
    }

    @Test
    void equalSidesHaveEqualChecksumsAndNothingToNarrow() {
        List<String> ids = ids(1000);
        assertThat(ChunkChecksums.equal(ids, digests(ids), digests(ids))).isTrue();
        assertThat(ChunkChecksums.narrow(ids, digests(ids), digests(ids))).isEmpty();
    }

    @Test
    void narrowingFindsExactlyTheMissingAndDifferentRowsInChunkOrder() {
        List<String> ids = ids(1000);
        Map<String, byte[]> stored = digests(ids);
        stored.remove("0");
        stored.remove("511");
        stored.put("512", ChunkChecksums.row("512", "{\"v\":-1}"));
        stored.remove("999");
        assertThat(ChunkChecksums.equal(ids, digests(ids), stored)).isFalse();
        assertThat(ChunkChecksums.narrow(ids, digests(ids), stored)).containsExactly("0", "511", "512", "999");
    }

    @Test
    void everyRowDifferentIsFoundToo() {
        List<String> ids = ids(37);
        assertThat(ChunkChecksums.narrow(ids, digests(ids), Map.of())).containsExactlyElementsOf(ids);
    }

    @Test
    void theIdIsPartOfTheDigestAndTheSeparatorKeepsIdAndFormApart() {
        assertThat(ChunkChecksums.row("1", "{}")).isNotEqualTo(ChunkChecksums.row("2", "{}"));
        assertThat(ChunkChecksums.row("1", "2{}")).isNotEqualTo(ChunkChecksums.row("12", "{}"));
        assertThat(ChunkChecksums.row("1", "{}")).isEqualTo(ChunkChecksums.row("1", "{}"));
    }

    @Test
    void aRowMovedToAnotherPlaceOfTheRangeChangesItsChecksum() {
        List<String> ids = List.of("a", "b");
        Map<String, byte[]> one = Map.of("a", ChunkChecksums.row("a", "x"));
        Map<String, byte[]> other = Map.of("b", ChunkChecksums.row("a", "x"));
        assertThat(ChunkChecksums.range(ids, 0, 2, one)).isNotEqualTo(ChunkChecksums.range(ids, 0, 2, other));
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
