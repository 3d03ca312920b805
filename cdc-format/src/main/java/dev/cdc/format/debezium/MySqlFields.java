package dev.cdc.format.debezium;

import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;

import java.util.Locale;

/**
 * The MySQL connector's value conversions ({@code BinlogValueConverters} of the pinned Debezium,
 * which reads MariaDB too), from cdc's logical type and the column's {@code COLUMN_TYPE}
 * ({@code bigint(20) unsigned}, {@code bit(12)}, {@code enum('a','b')}).
 */
final class MySqlFields {

    private MySqlFields() {
    }

    static FieldCodec of(Column c, DebeziumSettings s) {
        String source = c.sourceType().orElse("").toLowerCase(Locale.ROOT);
        String base = source.replaceAll("\\(.*", "").replace(" unsigned", "").replace(" zerofill", "").trim();
        boolean unsigned = source.contains("unsigned");
        String mode = s.timePrecision(Flavour.MYSQL);
        boolean connect = mode.equals("connect");
        DataType type = c.type();
        switch (base) {
            case "tinyint":
                return type.kind() == dev.cdc.api.schema.TypeKind.BOOLEAN ? FieldCodec.bool() : FieldCodec.int16();
            case "smallint":
                return unsigned ? FieldCodec.int32() : FieldCodec.int16();
            case "mediumint":
                return FieldCodec.int32();
            case "int", "integer":
                return unsigned ? FieldCodec.int64() : FieldCodec.int32();
            case "bigint":
                if (unsigned && s.bigintUnsignedMode().equals("precise")) {
                    return Decimals.fixed("precise", 0, 20);
                }
                return FieldCodec.int64();
            case "decimal", "numeric": {
                DataType.Decimal d = (DataType.Decimal) type;
                return Decimals.fixed(s.decimalMode(), d.scale().orElse(0), d.precision().isPresent()
                        ? d.precision().getAsInt() : null);
            }
            case "float":
                return FieldCodec.float32();
            case "double", "real":
                return FieldCodec.float64();
            case "bit": {
                int n = width(source, 1);
                return n == 1 ? FieldCodec.bool() : Binaries.mysqlBits(n);
            }
            case "date":
                return Temporals.date(connect);
            case "time":
                return connect ? Temporals.timeMillis(true) : Temporals.timeMicros();
            case "datetime": {
                int p = width(source, 0);
                if (connect) {
                    return Temporals.timestampMillis(true);
                }
                return p <= 3 ? Temporals.timestampMillis(false) : Temporals.timestampMicros();
            }
            case "timestamp":
                return Temporals.zonedTimestamp(width(source, 0));
            case "year":
                return Temporals.year();
            case "enum":
                return FieldCodec.of(() -> ConnectSchema.named("string", "io.debezium.data.Enum")
                        .parameter("allowed", labels(source)), (g, v) -> g.writeString(v.toString()));
            case "set":
                return FieldCodec.of(() -> ConnectSchema.named("string", "io.debezium.data.EnumSet")
                        .parameter("allowed", labels(source)), (g, v) -> g.writeString(v.toString()));
            case "json":
                return FieldCodec.namedString("io.debezium.data.Json");
            case "point":
                return Geometries.mysqlPoint();
            case "geometry", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                    "geometrycollection", "geomcollection":
                return Geometries.mysqlGeometry();
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob":
                return Binaries.of(s.binaryMode());
            default:
                // char, varchar, the text family (MariaDB's JSON is longtext): strings
                return type.kind() == dev.cdc.api.schema.TypeKind.BYTES ? Binaries.of(s.binaryMode()) : FieldCodec.string();
        }
    }

    /** The n of {@code bit(n)} / {@code datetime(n)}; {@code fallback} when not given. */
    private static int width(String source, int fallback) {
        int open = source.indexOf('(');
        return open < 0 ? fallback : Integer.parseInt(source.substring(open + 1, source.indexOf(')', open)).trim());
    }

    /** The labels of {@code enum('a','b c')} joined by commas, as Debezium's {@code allowed} parameter. */
    private static String labels(String source) {
        String body = source.substring(source.indexOf('(') + 1, source.lastIndexOf(')'));
        StringBuilder out = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\'') {
                if (quoted && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
                    out.append('\'');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (quoted || c == ',') {
                out.append(c);
            }
        }
        return out.toString();
    }
}
