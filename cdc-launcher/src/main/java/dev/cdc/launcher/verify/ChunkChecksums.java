package dev.cdc.launcher.verify;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Row digests and the comparison of a chunk's two sides by them. A row's digest is a 128-bit
 * hash of its id and its stored form (two longs); a chunk's sides are held as digest arrays in the
 * chunk's key order (an absent row as the zero digest), so the rows that differ are simply the
 * positions whose digests differ: exact up to hash collisions, with no range checksums or
 * narrowing (both sides' digests are in memory). Stateless; a {@link Digester} is one thread's.
 */
public final class ChunkChecksums {

    private ChunkChecksums() {
    }

    /**
     * The digest of one row as 16 bytes (high long first): a 128-bit MurmurHash3 (x64) of its id,
     * a 0 byte and its stored form. Not a cryptographic hash (nobody chooses rows to collide here),
     * but cheap, and a verify hashes every row of both sides. The same value {@link Digester#digest}
     * gives for the UTF-8 bytes of {@code canonical}.
     */
    public static byte[] row(String id, String canonical) {
        long[] d = new long[2];
        byte[] form = canonical.getBytes(StandardCharsets.UTF_8);
        new Digester().digest(id, form, 0, form.length, d, 0);
        return java.nio.ByteBuffer.allocate(16).putLong(d[0]).putLong(d[1]).array();
    }

    /**
     * Digests rows from their id and their stored form's bytes without building texts, into
     * {@code out[at]} (high) and {@code out[at + 1]} (low). Reuses one buffer: one per thread.
     */
    public static final class Digester {
        private byte[] scratch = new byte[1024];

        public void digest(String id, byte[] form, int offset, int length, long[] out, int at) {
            int n = id.length();
            int need = n * 3 + 1 + length;
            if (scratch.length < need) {
                scratch = new byte[Math.max(need, scratch.length * 2)];
            }
            byte[] s = scratch;
            int pos = 0;
            for (int i = 0; i < n; i++) {
                char c = id.charAt(i);
                if (c >= 0x80) {
                    byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(utf8, 0, s, 0, utf8.length);
                    pos = utf8.length;
                    break;
                }
                s[pos++] = (byte) c;
            }
            s[pos++] = 0;
            System.arraycopy(form, offset, s, pos, length);
            murmur3(s, 0, pos + length, out, at);
        }
    }

    /**
     * The positions {@code i < rows} whose digests ({@code [2i]}, {@code [2i + 1]}) differ between
     * the two sides, in order.
     */
    public static int[] differing(long[] expected, long[] stored, int rows) {
        int[] out = new int[8];
        int found = 0;
        for (int i = 0; i < rows; i++) {
            if (expected[2 * i] != stored[2 * i] || expected[2 * i + 1] != stored[2 * i + 1]) {
                if (found == out.length) {
                    out = Arrays.copyOf(out, found * 2);
                }
                out[found++] = i;
            }
        }
        return Arrays.copyOf(out, found);
    }

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    /** MurmurHash3 x64 128 (seed 0) of {@code data}, as 16 bytes. */
    static byte[] murmur3(byte[] data) {
        long[] d = new long[2];
        murmur3(data, 0, data.length, d, 0);
        return java.nio.ByteBuffer.allocate(16).putLong(d[0]).putLong(d[1]).array();
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static long getLong(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /** MurmurHash3 x64 128 (seed 0) of {@code data[offset, offset + length)} into {@code out[at]}, {@code out[at + 1]}. */
    static void murmur3(byte[] data, int offset, int length, long[] out, int at) {
        long h1 = 0;
        long h2 = 0;
        int blocks = length / 16;
        for (int i = 0; i < blocks; i++) {
            long k1 = getLong(data, offset + i * 16);
            long k2 = getLong(data, offset + i * 16 + 8);
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27) + h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31) + h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        long k1 = 0;
        long k2 = 0;
        int tail = offset + blocks * 16;
        for (int i = length - blocks * 16 - 1; i >= 0; i--) {
            long b = data[tail + i] & 0xffL;
            if (i >= 8) {
                k2 ^= b << ((i - 8) * 8);
            } else {
                k1 ^= b << (i * 8);
            }
        }
        h1 ^= mixK1(k1);
        h2 ^= mixK2(k2);
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        h2 += h1;
        out[at] = h1;
        out[at + 1] = h2;
    }

    private static long mixK1(long k) {
        return Long.rotateLeft(k * C1, 31) * C2;
    }

    private static long mixK2(long k) {
        return Long.rotateLeft(k * C2, 33) * C1;
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
