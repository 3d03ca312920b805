package dev.cdc.schema.diff;

import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TypeKind;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * Classifies a change of logical type. The widenings (every value of {@code from} is exactly a
 * value of {@code to}):
 * <table>
 *   <caption>Widening type changes</caption>
 *   <tr><th>from</th><th>to</th><th>condition</th></tr>
 *   <tr><td>int16</td><td>int32, int64</td><td></td></tr>
 *   <tr><td>int32</td><td>int64</td><td></td></tr>
 *   <tr><td>float32</td><td>float64</td><td></td></tr>
 *   <tr><td>int16 / int32 / int64</td><td>decimal(p,s)</td><td>p - s &ge; 5 / 10 / 19 digits; unconstrained decimal always</td></tr>
 *   <tr><td>decimal(p,s)</td><td>decimal(p2,s2)</td><td>p2 - s2 &ge; p - s and s2 &ge; s; unconstrained decimal always</td></tr>
 *   <tr><td>any type but string</td><td>string</td><td></td></tr>
 *   <tr><td>date</td><td>timestamp(n)</td><td>any precision</td></tr>
 *   <tr><td>time(p), timestamp(p), timestamp_tz(p)</td><td>the same kind with precision q</td><td>q &gt; p</td></tr>
 *   <tr><td>array&lt;a&gt;</td><td>array&lt;b&gt;</td><td>a to b is a widening</td></tr>
 * </table>
 * The reverse of a widening is a {@link TypeChange#NARROWING}; equal types are
 * {@link TypeChange#SAME}; everything else is {@link TypeChange#INCOMPATIBLE}, notably
 * timestamp to/from timestamp_tz, int to/from float, anything to json or bytes, and
 * {@code other(x)} to {@code other(y)} for different source type names. Arrays are classified by
 * their element types.
 *
 * <p>Absent precisions: a decimal without precision is unconstrained (wider than any
 * decimal(p,s)); a decimal with a precision but no scale has scale 0; a time type without a
 * fractional precision counts as 9 digits (the logical values hold nanoseconds).
 *
 * <p>Stateless and thread-safe.
 */
public final class TypeChanges {

    /** The maximum fractional-second digits of a time type, assumed when a type does not state it. */
    static final int MAX_FRACTION_DIGITS = 9;

    private TypeChanges() {
    }

    /** How changing a column from {@code from} to {@code to} affects its values. */
    public static TypeChange classify(DataType from, DataType to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (normalized(from).equals(normalized(to))) {
            return TypeChange.SAME;
        }
        if (from instanceof DataType.Array a && to instanceof DataType.Array b) {
            return classify(a.element(), b.element());
        }
        if (widens(from, to)) {
            return TypeChange.WIDENING;
        }
        if (widens(to, from)) {
            return TypeChange.NARROWING;
        }
        return TypeChange.INCOMPATIBLE;
    }

    /** Whether {@code from} strictly widens to {@code to} (the two are known to differ). */
    private static boolean widens(DataType from, DataType to) {
        TypeKind f = from.kind();
        TypeKind t = to.kind();
        if (t == TypeKind.STRING) {
            return f != TypeKind.STRING;
        }
        int fromDigits = integerDigits(f);
        if (fromDigits > 0) {
            if (integerDigits(t) > 0) {
                return fromDigits < integerDigits(t);
            }
            if (to instanceof DataType.Decimal d) {
                return d.precision().isEmpty() || d.precision().getAsInt() - scale(d) >= fromDigits;
            }
            return false;
        }
        if (f == TypeKind.FLOAT32) {
            return t == TypeKind.FLOAT64;
        }
        if (from instanceof DataType.Decimal a && to instanceof DataType.Decimal b) {
            if (b.precision().isEmpty()) {
                return true;
            }
            if (a.precision().isEmpty()) {
                return false;
            }
            return b.precision().getAsInt() - scale(b) >= a.precision().getAsInt() - scale(a) && scale(b) >= scale(a);
        }
        if (f == TypeKind.DATE) {
            return t == TypeKind.TIMESTAMP;
        }
        if (from instanceof DataType.Temporal a && to instanceof DataType.Temporal b && a.kind() == b.kind()) {
            return fractionDigits(b.fractionDigits()) > fractionDigits(a.fractionDigits());
        }
        return false;
    }

    /** The type with absent precisions made explicit where they have a fixed meaning. */
    private static DataType normalized(DataType type) {
        if (type instanceof DataType.Decimal d && d.precision().isPresent() && d.scale().isEmpty()) {
            return DataType.decimal(d.precision().getAsInt(), 0);
        }
        if (type instanceof DataType.Temporal t && t.fractionDigits().isEmpty()) {
            return new DataType.Temporal(t.kind(), OptionalInt.of(MAX_FRACTION_DIGITS));
        }
        return type;
    }

    /** The decimal digits an integer kind needs (int16: 5, int32: 10, int64: 19), or 0 for other kinds. */
    private static int integerDigits(TypeKind kind) {
        return switch (kind) {
            case INT16 -> 5;
            case INT32 -> 10;
            case INT64 -> 19;
            default -> 0;
        };
    }

    private static int scale(DataType.Decimal d) {
        return d.scale().orElse(0);
    }

    private static int fractionDigits(OptionalInt digits) {
        return digits.orElse(MAX_FRACTION_DIGITS);
    }
}
