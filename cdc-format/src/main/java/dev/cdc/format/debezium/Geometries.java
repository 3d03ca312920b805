package dev.cdc.format.debezium;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Debezium's geometry structs: {@code io.debezium.data.geometry.Point} {@code {x, y, wkb, srid}}
 * (the point as little-endian WKB) and {@code io.debezium.data.geometry.Geometry}
 * {@code {wkb, srid}}. Stateless.
 */
final class Geometries {

    private Geometries() {
    }

    private static ConnectSchema pointSchema() {
        return ConnectSchema.named("struct", "io.debezium.data.geometry.Point").doc("Geometry (POINT)")
                .field("x", ConnectSchema.of("double")).field("y", ConnectSchema.of("double"))
                .field("wkb", ConnectSchema.of("bytes").optional(true))
                .field("srid", ConnectSchema.of("int32").optional(true));
    }

    /** PostgreSQL point from its text {@code (1.5,2.5)}. */
    static FieldCodec point() {
        return FieldCodec.of(Geometries::pointSchema, (g, v) -> {
            String t = v.toString().trim();
            String[] xy = t.substring(1, t.length() - 1).split(",");
            double x = Double.parseDouble(xy[0].trim());
            double y = Double.parseDouble(xy[1].trim());
            writePoint(g, x, y, wkbPoint(x, y), null);
        });
    }

    /** MySQL POINT from its stored form: a little-endian SRID, then WKB. */
    static FieldCodec mysqlPoint() {
        return FieldCodec.of(Geometries::pointSchema, (g, v) -> {
            byte[] stored = (byte[]) v;
            ByteBuffer b = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
            int srid = b.getInt(0);
            byte[] wkb = Arrays.copyOfRange(stored, 4, stored.length);
            ByteBuffer w = ByteBuffer.wrap(wkb).order(wkb[0] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            writePoint(g, w.getDouble(5), w.getDouble(13), wkb, srid == 0 ? null : srid);
        });
    }

    /** MySQL geometries other than POINT: {@code {wkb, srid}}. */
    static FieldCodec mysqlGeometry() {
        return FieldCodec.of(() -> ConnectSchema.named("struct", "io.debezium.data.geometry.Geometry")
                .doc("Geometry").field("wkb", ConnectSchema.of("bytes"))
                .field("srid", ConnectSchema.of("int32").optional(true)), (g, v) -> {
                    byte[] stored = (byte[]) v;
                    int srid = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
                    g.writeStartObject();
                    g.writeFieldName("wkb");
                    g.writeBinary(Arrays.copyOfRange(stored, 4, stored.length));
                    g.writeFieldName("srid");
                    if (srid == 0) {
                        g.writeNull();
                    } else {
                        g.writeNumber(srid);
                    }
                    g.writeEndObject();
                });
    }

    private static void writePoint(JsonGenerator g, double x, double y, byte[] wkb, Integer srid) throws IOException {
        g.writeStartObject();
        g.writeNumberField("x", x);
        g.writeNumberField("y", y);
        g.writeFieldName("wkb");
        g.writeBinary(wkb);
        g.writeFieldName("srid");
        if (srid == null) {
            g.writeNull();
        } else {
            g.writeNumber(srid);
        }
        g.writeEndObject();
    }

    private static byte[] wkbPoint(double x, double y) {
        return ByteBuffer.allocate(21).order(ByteOrder.LITTLE_ENDIAN).put((byte) 1).putInt(1).putDouble(x).putDouble(y)
                .array();
    }
}
