package dev.cdc.source.postgres.types;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * PostgreSQL's {@code money} text, which follows the server's {@code lc_monetary}
 * ({@code -$1,234.56}, {@code 1.234,56 €}, {@code (¥1,235)}): a money value is a 64-bit count of
 * the currency's smallest unit, printed with the locale's symbol, separators and fraction digits.
 * Whatever the locale, its digits in order are that count, so the value is the digits scaled by
 * the fraction digits, negative when the text has a minus sign or parentheses. Exact.
 */
public final class MoneyText {

    /** Fraction digits when the server's are not known (the C locale's). */
    public static final int DEFAULT_FRACTION_DIGITS = 2;
    /** Digits of the largest money value, 92233720368547758.07: the precision of the logical type. */
    static final int PRECISION = 19;
    /** What {@link #fractionDigits} asks the server to print. */
    public static final String PROBE = "SELECT 1::money::text";

    private MoneyText() {
    }

    /** The value of a money text with {@code fractionDigits} digits after the point. */
    static BigDecimal parse(String text, int fractionDigits) {
        StringBuilder digits = new StringBuilder(text.length());
        boolean negative = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c == '-' || c == '(') {
                negative = true;
            }
        }
        if (digits.isEmpty()) {
            throw new IllegalArgumentException("money value '" + text + "' has no digits");
        }
        BigInteger units = new BigInteger(digits.toString());
        return new BigDecimal(negative ? units.negate() : units, fractionDigits);
    }

    /**
     * The fraction digits of the server's money format, from its text of one unit ({@link #PROBE}):
     * {@code $1.00} has 2, {@code ¥1} has 0.
     */
    public static int fractionDigits(String textOfOne) {
        int one = textOfOne.indexOf('1');
        if (one < 0) {
            return DEFAULT_FRACTION_DIGITS;
        }
        int n = 0;
        for (int i = one + 2; i < textOfOne.length() && Character.isDigit(textOfOne.charAt(i)); i++) {
            n++;
        }
        return n;
    }
}
