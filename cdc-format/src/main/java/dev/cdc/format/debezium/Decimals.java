package dev.cdc.format.debezium;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * Debezium's {@code decimal.handling.mode}: {@code precise} (Kafka Connect's Decimal: the
 * two's-complement bytes of the unscaled value at the column's scale, in Base64; PostgreSQL's
 * unconstrained numeric as {@code io.debezium.data.VariableScaleDecimal} {@code {scale, value}}
 * with trailing zeros stripped), {@code string} (the exact digits) or {@code double}. NaN and
 * infinities are null in precise mode, their names otherwise. Stateless.
 */
final class Decimals {

    private Decimals() {
    }

    /** A decimal column of a known scale (and precision, when given). */
    static FieldCodec fixed(String mode, int scale, Integer precision) {
        return switch (mode) {
            case "string" -> FieldCodec.of(() -> ConnectSchema.of("string"), (g, v) -> {
                if (v instanceof BigDecimal d) {
                    g.writeString(d.setScale(scale).toPlainString());
                } else {
                    g.writeString(specialName(v.toString()));
                }
            });
            case "double" -> FieldCodec.of(() -> ConnectSchema.of("double"), Decimals::writeDouble);
            default -> FieldCodec.of(() -> {
                ConnectSchema s = ConnectSchema.named("bytes", "org.apache.kafka.connect.data.Decimal")
                        .parameter("scale", Integer.toString(scale));
                return precision == null ? s : s.parameter("connect.decimal.precision", precision.toString());
            }, (g, v) -> {
                if (v instanceof BigDecimal d) {
                    g.writeBinary(d.setScale(scale).unscaledValue().toByteArray());
                } else {
                    g.writeNull();
                }
            });
        };
    }

    /** PostgreSQL's numeric without a scale. */
    static FieldCodec variable(String mode) {
        return switch (mode) {
            case "string" -> FieldCodec.of(() -> ConnectSchema.of("string"),
                    (g, v) -> g.writeString(v instanceof BigDecimal d ? d.toPlainString() : specialName(v.toString())));
            case "double" -> FieldCodec.of(() -> ConnectSchema.of("double"), Decimals::writeDouble);
            default -> FieldCodec.of(() -> ConnectSchema.named("struct", "io.debezium.data.VariableScaleDecimal")
                    .doc("Variable scaled decimal")
                    .field("scale", ConnectSchema.of("int32")).field("value", ConnectSchema.of("bytes")), (g, v) -> {
                        if (v instanceof BigDecimal d) {
                            BigDecimal s = d.stripTrailingZeros();
                            if (s.scale() < 0) {
                                s = s.setScale(0);
                            }
                            g.writeStartObject();
                            g.writeNumberField("scale", s.scale());
                            g.writeFieldName("value");
                            g.writeBinary(s.unscaledValue().toByteArray());
                            g.writeEndObject();
                        } else {
                            g.writeNull();
                        }
                    });
        };
    }

    /** Debezium's string mode writes its enum's names for PostgreSQL's special numerics. */
    static String specialName(String text) {
        return switch (text) {
            case "NaN" -> "NAN";
            case "Infinity" -> "POSITIVE_INFINITY";
            case "-Infinity" -> "NEGATIVE_INFINITY";
            default -> text;
        };
    }

    /**
     * PostgreSQL money in string mode: Debezium's snapshot reads a double (so {@code -5.5}, {@code 0.0}),
     * its log reader the text at the money's scale ({@code -5.50}).
     */
    static FieldCodec moneyString(int scale) {
        return FieldCodec.snapshotAware(() -> ConnectSchema.of("string"), (g, v, snapshot) -> {
            BigDecimal d = (BigDecimal) v;
            g.writeString(snapshot ? BigDecimal.valueOf(d.doubleValue()).toPlainString() : d.setScale(scale).toPlainString());
        });
    }

    /** Writes a decimal's double (for the double mode's value), NaN and infinities as their names. */
    static void writeDouble(JsonGenerator g, Object v) throws IOException {
        double d = v instanceof BigDecimal b ? b.doubleValue() : Double.parseDouble(v.toString());
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(Double.toString(d));
        }
    }
}
