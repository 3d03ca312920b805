package dev.cdc.api.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Finds the known name a mistyped one most likely meant, for "did you mean" hints in error messages. */
public final class ClosestName {

    private ClosestName() {
    }

    /**
     * The known name closest to {@code given}: within a few edits (a third of its length, at
     * least two), or one that starts with it or it starts with ({@code elastic} for
     * {@code elasticsearch}). Empty when none is close.
     */
    public static Optional<String> among(String given, Collection<String> known) {
        return known.stream()
                .filter(k -> isClose(given, k))
                .min(Comparator.comparingInt((String k) -> editDistance(given, k)).thenComparing(k -> k));
    }

    private static boolean isClose(String given, String known) {
        if (given.isEmpty()) {
            return false;
        }
        int limit = Math.max(2, Math.min(given.length(), known.length()) / 3);
        if (editDistance(given, known) <= limit) {
            return true;
        }
        return given.length() >= 3 && (known.startsWith(given) || given.startsWith(known) && known.length() >= 3);
    }

    /** Levenshtein distance. */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
