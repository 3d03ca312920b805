package dev.cdc.api.schema;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A logical type. Values of each type are plain Java values:
 * <table>
 *   <caption>Java value of each logical type</caption>
 *   <tr><td>boolean</td><td>{@code Boolean}</td></tr>
 *   <tr><td>int16, int32</td><td>{@code Short}, {@code Integer}</td></tr>
 *   <tr><td>int64</td><td>{@code Long}</td></tr>
 *   <tr><td>float32, float64</td><td>{@code Float}, {@code Double} (NaN and infinities allowed)</td></tr>
 *   <tr><td>decimal</td><td>{@code BigDecimal}, or the {@code String} "NaN" / "Infinity" / "-Infinity" where the source allows them</td></tr>
 *   <tr><td>string, json</td><td>{@code String}</td></tr>
 *   <tr><td>bytes</td><td>{@code byte[]}</td></tr>
 *   <tr><td>date</td><td>{@code LocalDate}, or a {@code String} (below)</td></tr>
 *   <tr><td>time</td><td>{@code LocalTime}, or a {@code String} (below)</td></tr>
 *   <tr><td>timestamp</td><td>{@code LocalDateTime}, or a {@code String} (below)</td></tr>
 *   <tr><td>timestamp_tz</td><td>{@code Instant}, or a {@code String} (below)</td></tr>
 *   <tr><td>uuid</td><td>{@code UUID}</td></tr>
 *   <tr><td>array</td><td>{@code List} of the element type's values</td></tr>
 *   <tr><td>other</td><td>{@code String}: the source's text form</td></tr>
 * </table>
 *
 * <p><b>Values no Java type can hold</b> are a {@code String}: the database's own text of the
 * value, never a rounded or clamped one ({@code docs/envelope.md}, "Values no Java type holds"). They are PostgreSQL's
 * {@code infinity} / {@code -infinity} dates and timestamps and its {@code 24:00:00} time, MySQL's
 * TIME values outside one day ({@code -12:30:45}, {@code 838:59:59.000}), and MariaDB / MySQL dates
 * with a zero year, month or day ({@code 0000-00-00}, {@code 2024-02-00},
 * {@code 2024-00-15 10:00:00.000000}, as the server prints them). A sink that cannot store the text
 * in the column's type handles it by its documented per-type policy.
 */
public sealed interface DataType {

    TypeKind kind();

    /** The type as written in YAML, JSON and messages: {@code int64}, {@code decimal(10,2)}, {@code array<string>}. */
    String describe();

    record Simple(TypeKind kind) implements DataType {
        public Simple {
            Objects.requireNonNull(kind, "kind");
            if (kind == TypeKind.DECIMAL || kind == TypeKind.ARRAY || kind == TypeKind.OTHER
                    || kind == TypeKind.TIME || kind == TypeKind.TIMESTAMP || kind == TypeKind.TIMESTAMP_TZ) {
                throw new IllegalArgumentException(kind + " is not a simple type; use its factory method");
            }
        }

        @Override
        public String describe() {
            return kind.tag();
        }
    }

    /** A decimal with optional precision and scale (absent: unconstrained, as PostgreSQL's {@code numeric}). */
    record Decimal(OptionalInt precision, OptionalInt scale) implements DataType {
        public Decimal {
            Objects.requireNonNull(precision, "precision");
            Objects.requireNonNull(scale, "scale");
        }

        @Override
        public TypeKind kind() {
            return TypeKind.DECIMAL;
        }

        @Override
        public String describe() {
            if (precision.isEmpty()) {
                return "decimal";
            }
            return "decimal(" + precision.getAsInt() + (scale.isPresent() ? "," + scale.getAsInt() : "") + ")";
        }
    }

    /** time, timestamp or timestamp_tz with an optional fractional-second precision (0..9). */
    record Temporal(TypeKind kind, OptionalInt fractionDigits) implements DataType {
        public Temporal {
            if (kind != TypeKind.TIME && kind != TypeKind.TIMESTAMP && kind != TypeKind.TIMESTAMP_TZ) {
                throw new IllegalArgumentException(kind + " is not a time type");
            }
            Objects.requireNonNull(fractionDigits, "fractionDigits");
        }

        @Override
        public String describe() {
            return kind.tag() + (fractionDigits.isPresent() ? "(" + fractionDigits.getAsInt() + ")" : "");
        }
    }

    record Array(DataType element) implements DataType {
        public Array {
            Objects.requireNonNull(element, "element");
        }

        @Override
        public TypeKind kind() {
            return TypeKind.ARRAY;
        }

        @Override
        public String describe() {
            return "array<" + element.describe() + ">";
        }
    }

    /** A source type with no logical equivalent, kept by name. */
    record Other(String sourceTypeName) implements DataType {
        public Other {
            Objects.requireNonNull(sourceTypeName, "sourceTypeName");
        }

        @Override
        public TypeKind kind() {
            return TypeKind.OTHER;
        }

        @Override
        public String describe() {
            return "other(" + sourceTypeName + ")";
        }
    }

    static DataType bool() {
        return new Simple(TypeKind.BOOLEAN);
    }

    static DataType int16() {
        return new Simple(TypeKind.INT16);
    }

    static DataType int32() {
        return new Simple(TypeKind.INT32);
    }

    static DataType int64() {
        return new Simple(TypeKind.INT64);
    }

    static DataType float32() {
        return new Simple(TypeKind.FLOAT32);
    }

    static DataType float64() {
        return new Simple(TypeKind.FLOAT64);
    }

    static DataType decimal() {
        return new Decimal(OptionalInt.empty(), OptionalInt.empty());
    }

    static DataType decimal(int precision, int scale) {
        return new Decimal(OptionalInt.of(precision), OptionalInt.of(scale));
    }

    static DataType string() {
        return new Simple(TypeKind.STRING);
    }

    static DataType bytes() {
        return new Simple(TypeKind.BYTES);
    }

    static DataType date() {
        return new Simple(TypeKind.DATE);
    }

    static DataType time() {
        return new Temporal(TypeKind.TIME, OptionalInt.empty());
    }

    static DataType time(int fractionDigits) {
        return new Temporal(TypeKind.TIME, OptionalInt.of(fractionDigits));
    }

    static DataType timestamp() {
        return new Temporal(TypeKind.TIMESTAMP, OptionalInt.empty());
    }

    static DataType timestamp(int fractionDigits) {
        return new Temporal(TypeKind.TIMESTAMP, OptionalInt.of(fractionDigits));
    }

    static DataType timestampTz() {
        return new Temporal(TypeKind.TIMESTAMP_TZ, OptionalInt.empty());
    }

    static DataType timestampTz(int fractionDigits) {
        return new Temporal(TypeKind.TIMESTAMP_TZ, OptionalInt.of(fractionDigits));
    }

    static DataType uuid() {
        return new Simple(TypeKind.UUID);
    }

    static DataType json() {
        return new Simple(TypeKind.JSON);
    }

    static DataType arrayOf(DataType element) {
        return new Array(element);
    }

    static DataType other(String sourceTypeName) {
        return new Other(sourceTypeName);
    }

    /**
     * Parses {@link #describe()}'s form: {@code int64}, {@code decimal(10,2)}, {@code timestamp(3)},
     * {@code array<string>}, {@code other(interval)}.
     */
    static DataType parse(String text) {
        String t = text.trim();
        if (t.startsWith("array<") && t.endsWith(">")) {
            return arrayOf(parse(t.substring(6, t.length() - 1)));
        }
        if (t.startsWith("other(") && t.endsWith(")")) {
            return other(t.substring(6, t.length() - 1));
        }
        String base = t;
        String args = null;
        int paren = t.indexOf('(');
        if (paren > 0 && t.endsWith(")")) {
            base = t.substring(0, paren);
            args = t.substring(paren + 1, t.length() - 1);
        }
        TypeKind kind;
        try {
            kind = TypeKind.valueOf(base.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown logical type '" + text + "'; known: "
                    + java.util.Arrays.stream(TypeKind.values()).map(TypeKind::tag).toList());
        }
        switch (kind) {
            case DECIMAL -> {
                if (args == null) {
                    return decimal();
                }
                String[] ps = args.split(",");
                return new Decimal(OptionalInt.of(Integer.parseInt(ps[0].trim())),
                        ps.length > 1 ? OptionalInt.of(Integer.parseInt(ps[1].trim())) : OptionalInt.empty());
            }
            case TIME, TIMESTAMP, TIMESTAMP_TZ -> {
                return new Temporal(kind, args == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(args.trim())));
            }
            case ARRAY, OTHER -> throw new IllegalArgumentException("'" + text + "' needs an element or a name");
            default -> {
                return new Simple(kind);
            }
        }
    }
}
