package dev.cdc.format.debezium;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * The PostgreSQL connector's value conversions ({@code PostgresValueConverter} of the pinned
 * Debezium), from cdc's logical type and the column's PostgreSQL type. A column of a type Debezium
 * has no mapping for (tsvector, ...) has no codec: Debezium leaves it out of the row.
 */
final class PostgresFields {

    private PostgresFields() {
    }

    /** The codec of a column, or null when Debezium leaves the column out. */
    static FieldCodec of(Column c, DebeziumSettings s) {
        String source = c.sourceType().orElse("").toLowerCase(Locale.ROOT);
        return of(c.type(), source, s);
    }

    private static FieldCodec of(DataType type, String source, DebeziumSettings s) {
        String mode = s.timePrecision(Flavour.POSTGRESQL);
        boolean connect = mode.equals("connect");
        switch (type.kind()) {
            case BOOLEAN:
                return FieldCodec.bool();
            case INT16:
                return FieldCodec.int16();
            case INT32:
                return FieldCodec.int32();
            case INT64:
                return FieldCodec.int64();
            case FLOAT32:
                return FieldCodec.float32();
            case FLOAT64:
                return FieldCodec.float64();
            case DECIMAL: {
                DataType.Decimal d = (DataType.Decimal) type;
                if (source.startsWith("money")) {
                    return s.decimalMode().equals("string") ? Decimals.moneyString(s.moneyFractionDigits())
                            : Decimals.fixed(s.decimalMode(), s.moneyFractionDigits(), null);
                }
                if (d.precision().isPresent() && d.scale().isPresent()) {
                    return Decimals.fixed(s.decimalMode(), d.scale().getAsInt(), d.precision().getAsInt());
                }
                return Decimals.variable(s.decimalMode());
            }
            case STRING:
                return FieldCodec.string();
            case JSON:
                return FieldCodec.namedString("io.debezium.data.Json");
            case UUID:
                return FieldCodec.namedString("io.debezium.data.Uuid");
            case BYTES:
                return Binaries.of(s.binaryMode());
            case DATE:
                return Temporals.date(connect);
            case TIME: {
                int p = ((DataType.Temporal) type).fractionDigits().orElse(6);
                if (connect) {
                    return Temporals.timeMillis(true);
                }
                return p <= 3 && mode.equals("adaptive") ? Temporals.timeMillis(false) : Temporals.timeMicros();
            }
            case TIMESTAMP: {
                int p = ((DataType.Temporal) type).fractionDigits().orElse(6);
                if (connect) {
                    return Temporals.timestampMillis(true);
                }
                return p <= 3 ? Temporals.timestampMillis(false) : Temporals.timestampMicros();
            }
            case TIMESTAMP_TZ:
                return Temporals.zonedTimestamp(((DataType.Temporal) type).fractionDigits().orElse(6));
            case ARRAY: {
                String element = source.endsWith("[]") ? source.substring(0, source.length() - 2)
                        : source.startsWith("_") ? source.substring(1) : "";
                DataType elementType = ((DataType.Array) type).element();
                FieldCodec e = of(elementType, element, s);
                return e == null ? null : FieldCodec.array(e, arrayPlaceholder(elementType));
            }
            case OTHER:
                return other(((DataType.Other) type).sourceTypeName(), source, s);
            default:
                return null;
        }
    }

    /** The types cdc keeps as their text ({@code other(typname)}). */
    private static FieldCodec other(String typname, String source, DebeziumSettings s) {
        switch (typname) {
            case "timetz":
                return Temporals.zonedTime();
            case "interval":
                return s.intervalMode().equals("string")
                        ? FieldCodec.of(() -> ConnectSchema.named("string", "io.debezium.time.Interval"),
                        (g, v) -> g.writeString(PgInterval.parse(v.toString()).isoString()))
                        : FieldCodec.of(() -> ConnectSchema.named("int64", "io.debezium.time.MicroDuration"),
                        (g, v) -> g.writeNumber(PgInterval.parse(v.toString()).micros()));
            case "point":
                return Geometries.point();
            case "hstore":
                return s.hstoreMode().equals("map")
                        ? FieldCodec.of(() -> ConnectSchema.of("map"), (g, v) -> writeHstore(g, v.toString()))
                        : FieldCodec.namedString("io.debezium.data.Json").withText(PostgresFields::hstoreJson)
                        .withUnavailable((g, p) -> g.writeString(hstoreJson("\"" + p + "\"=>\"" + p + "\"")));
            case "bit", "varbit": {
                int length = length(source, typname.equals("bit") ? 1 : Integer.MAX_VALUE);
                return length == 1 ? FieldCodec.of(() -> ConnectSchema.of("boolean"),
                        (g, v) -> g.writeBoolean(v.toString().equals("1")))
                        : Binaries.postgresBits(length);
            }
            case "xml":
                return FieldCodec.namedString("io.debezium.data.Xml");
            case "inet", "cidr", "macaddr", "macaddr8", "int4range", "int8range", "numrange", "tsrange", "tstzrange",
                    "daterange", "ltree":
                return FieldCodec.string();
            default:
                return s.includeUnknownDatatypes() ? Binaries.of(s.binaryMode()).withText(t -> t) : null;
        }
    }

    /**
     * An unchanged TOAST array as Debezium writes it ({@code UnchangedToastedPlaceholder}): int and
     * date arrays as the placeholder's bytes as numbers, bytea arrays as one element of its bytes,
     * uuid arrays as one name-based UUID of them, others as one element of the placeholder.
     */
    private static FieldCodec.Writer arrayPlaceholder(DataType element) {
        return (g, placeholder) -> {
            byte[] bytes = placeholder.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            g.writeStartArray();
            switch (element.kind()) {
                case INT32, INT64, DATE -> {
                    for (byte b : bytes) {
                        g.writeNumber(b);
                    }
                }
                case BYTES -> g.writeBinary(bytes);
                case UUID -> g.writeString(java.util.UUID.nameUUIDFromBytes(bytes).toString());
                default -> g.writeString(placeholder.toString());
            }
            g.writeEndArray();
        };
    }

    /** The n of {@code bit(n)} / {@code bit varying(n)}; {@code fallback} when not given. */
    private static int length(String source, int fallback) {
        int open = source.indexOf('(');
        return open < 0 ? fallback : Integer.parseInt(source.substring(open + 1, source.indexOf(')', open)).trim());
    }

    /** hstore text ({@code "a"=>"1", "b"=>NULL}) as the JSON object Debezium writes. */
    static String hstoreJson(String text) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
            writeHstore(g, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeHstore(JsonGenerator g, String text) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, String> e : HstoreText.parse(text).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /** A BigDecimal value's text, for the string decimal mode (exact digits). */
    static String plain(Object v) {
        return v instanceof BigDecimal d ? d.toPlainString() : v.toString();
    }
}
