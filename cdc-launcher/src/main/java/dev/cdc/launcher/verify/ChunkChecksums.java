package dev.cdc.launcher.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checksums of key-range chunks, and the narrowing of a chunk whose checksums differ down to its
 * differing keys. A row's digest is a 128-bit hash of its id and its stored form; a range's
 * checksum is a SHA-256 over its rows' digests in key order (an absent row counts as a fixed
 * marker), so two sides of a range are equal exactly when their checksums are (up to hash
 * collisions). Narrowing halves a differing range until each part is one key: a chunk with one
 * different row costs about 2·log2(n) range checksums, an equal chunk one. Stateless.
 */
public final class ChunkChecksums {

    private static final byte[] ABSENT = new byte[16];

    private ChunkChecksums() {
    }

    /**
     * The digest of one row: a 128-bit MurmurHash3 (x64) of its id, a 0 byte and its stored form.
     * Not a cryptographic hash (nobody chooses rows to collide here), but four times cheaper than
     * SHA-256, and a verify hashes every row of both sides.
     */
    public static byte[] row(String id, String canonical) {
        byte[] a = id.getBytes(StandardCharsets.UTF_8);
        byte[] b = canonical.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[a.length + 1 + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length + 1, b.length);
        return murmur3(all);
    }

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    /** MurmurHash3 x64 128 (seed 0) of {@code data}, as 16 bytes. */
    static byte[] murmur3(byte[] data) {
        long h1 = 0;
        long h2 = 0;
        int blocks = data.length / 16;
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < blocks; i++) {
            long k1 = in.getLong(i * 16);
            long k2 = in.getLong(i * 16 + 8);
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27) + h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31) + h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        long k1 = 0;
        long k2 = 0;
        int tail = blocks * 16;
        for (int i = data.length - tail - 1; i >= 0; i--) {
            long b = data[tail + i] & 0xffL;
            if (i >= 8) {
                k2 ^= b << ((i - 8) * 8);
            } else {
                k1 ^= b << (i * 8);
            }
        }
        h1 ^= mixK1(k1);
        h2 ^= mixK2(k2);
        h1 ^= data.length;
        h2 ^= data.length;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        h2 += h1;
        return java.nio.ByteBuffer.allocate(16).putLong(h1).putLong(h2).array();
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

    /** The checksum of {@code ids[from, to)} on one side ({@code digests} holds what that side has). */
    public static byte[] range(List<String> ids, int from, int to, Map<String, byte[]> digests) {
        MessageDigest d = sha256();
        for (int i = from; i < to; i++) {
            byte[] row = digests.get(ids.get(i));
            d.update(row == null ? ABSENT : row);
        }
        return d.digest();
    }

    /** Whether the two sides of the whole chunk are equal. */
    public static boolean equal(List<String> ids, Map<String, byte[]> expected, Map<String, byte[]> stored) {
        return Arrays.equals(range(ids, 0, ids.size(), expected), range(ids, 0, ids.size(), stored));
    }

    /**
     * The ids of the chunk whose two sides differ, in chunk order, found by halving differing
     * ranges.
     *
     * @param ids      the chunk's ids, in key order
     * @param expected the digests of what the sink should hold, by id
     * @param stored   the digests of what it holds, by id (an id it holds nothing under is absent)
     */
    public static List<String> narrow(List<String> ids, Map<String, byte[]> expected, Map<String, byte[]> stored) {
        List<String> out = new ArrayList<>();
        narrow(ids, 0, ids.size(), expected, stored, out);
        return out;
    }

    private static void narrow(List<String> ids, int from, int to, Map<String, byte[]> expected,
                               Map<String, byte[]> stored, List<String> out) {
        if (from >= to || Arrays.equals(range(ids, from, to, expected), range(ids, from, to, stored))) {
            return;
        }
        if (to - from == 1) {
            out.add(ids.get(from));
            return;
        }
        int mid = (from + to) >>> 1;
        narrow(ids, from, mid, expected, stored, out);
        narrow(ids, mid, to, expected, stored, out);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
