package dev.cdc.testkit.assertion;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.Unchanged;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Rows in a form that compares what a row means rather than how a target stores it.
 *
 * <p>Targets store values in their own types: Elasticsearch gives an {@code Integer} back for a
 * {@code Long}, Redis gives every value back as text. So rows are compared by canonical value:
 * <ul>
 *   <li>numbers, and text that is a plain decimal number, by numeric value ({@code 10.50},
 *   {@code 10.5} and {@code "10.5"} are equal);</li>
 *   <li>{@code byte[]} as Base64 text; lists element by element;</li>
 *   <li>{@link Unchanged#VALUE} stays itself: it never equals the text {@code "<unchanged>"};</li>
 *   <li>everything else ({@code Boolean}, {@code LocalDate}, {@code Instant}, {@code UUID}, ...)
 *   by its {@code toString()};</li>
 *   <li>SQL NULL and an absent column are the same (Redis hashes cannot hold NULL).</li>
 * </ul>
 * Thread-safe; holds no state.
 */
public final class CanonicalRows {

    private static final Pattern DECIMAL_TEXT = Pattern.compile("-?\\d+(\\.\\d+)?");

    private CanonicalRows() {
    }

    /** The canonical form of one value; {@code null} stays {@code null}. */
    public static Object canonical(Object value) {
        if (value == null || value == Unchanged.VALUE) {
            return value;
        }
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return d.toString();
        }
        if (value instanceof Float f && (f.isNaN() || f.isInfinite())) {
            return Double.toString(f);
        }
        if (value instanceof Number n) {
            return number(n.toString());
        }
        if (value instanceof String s) {
            return DECIMAL_TEXT.matcher(s).matches() ? number(s) : s;
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(CanonicalRows::canonical).toList();
        }
        return value.toString();
    }

    /** Every non-null column of the row, canonical, sorted by column name. */
    public static Map<String, Object> of(Row row) {
        return project(row, row.columns());
    }

    /**
     * The columns of {@code row} that are among {@code columns}, canonical, NULLs left out:
     * compare a stored row projected on the columns an event wrote with {@link #of} of that
     * event's row, so that metadata columns a target adds do not count.
     */
    public static Map<String, Object> project(Row row, Collection<String> columns) {
        Map<String, Object> out = new TreeMap<>();
        for (String c : columns) {
            Object v = canonical(row.get(c));
            if (v != null) {
                out.put(c, v);
            }
        }
        return out;
    }

    private static String number(String text) {
        BigDecimal d = new BigDecimal(text).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }
}
