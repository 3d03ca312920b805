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
 * differing keys. A row's digest is a SHA-256 over its id and its canonical form; a range's
 * checksum is a SHA-256 over its rows' digests in key order (an absent row counts as a fixed
 * marker), so two sides of a range are equal exactly when their checksums are (up to SHA-256
 * collisions). Narrowing halves a differing range until each part is one key: a chunk with one
 * different row costs about 2·log2(n) range checksums, an equal chunk one. Stateless.
 */
public final class ChunkChecksums {

    private static final byte[] ABSENT = new byte[32];

    private ChunkChecksums() {
    }

    /** The digest of one row: its id and canonical form. */
    public static byte[] row(String id, String canonical) {
        MessageDigest d = sha256();
        d.update(id.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(canonical.getBytes(StandardCharsets.UTF_8));
        return d.digest();
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
