package dev.cdc.format.debezium;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * Binary values as Debezium writes them: {@code binary.handling.mode} for bytes columns, and its
 * {@code io.debezium.data.Bits} for BIT(n) columns, which are little-endian (the last bit of the
 * column's text is bit 0 of byte 0). Stateless.
 */
final class Binaries {

    private Binaries() {
    }

    /** A bytes column per {@code binary.handling.mode}; a String value is its UTF-8 bytes. */
    static FieldCodec of(String mode) {
        return switch (mode) {
            case "base64" -> FieldCodec.bytes(() -> ConnectSchema.of("string"),
                    (g, v) -> g.writeString(Base64.getEncoder().encodeToString(bytes(v))));
            case "base64-url-safe" -> FieldCodec.bytes(() -> ConnectSchema.of("string"),
                    (g, v) -> g.writeString(Base64.getUrlEncoder().encodeToString(bytes(v))));
            case "hex" -> FieldCodec.bytes(() -> ConnectSchema.of("string"),
                    (g, v) -> g.writeString(HexFormat.of().formatHex(bytes(v))));
            default -> FieldCodec.bytes(() -> ConnectSchema.of("bytes"), (g, v) -> g.writeBinary(bytes(v)));
        };
    }

    private static byte[] bytes(Object v) {
        return v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ConnectSchema bits(int length) {
        return ConnectSchema.named("bytes", "io.debezium.data.Bits").parameter("length", Integer.toString(length));
    }

    /**
     * PostgreSQL bit(n) / bit varying(n) from its text ({@code 101}): the bits little-endian, with
     * trailing zero bytes dropped (Debezium sizes the bytes by the highest bit set, so all zeros
     * is no byte at all).
     */
    static FieldCodec postgresBits(int length) {
        return FieldCodec.bytes(() -> bits(length), (g, v) -> {
            String text = v.toString();
            int n = text.length();
            BitSet set = new BitSet(n);
            for (int i = n - 1; i >= 0; i--) {
                if (text.charAt(i) == '1') {
                    set.set(n - i - 1);
                }
            }
            g.writeBinary(set.toByteArray());
        });
    }

    /** MySQL BIT(n) from its big-endian bytes: reversed to little-endian, padded to (n + 7) / 8 bytes. */
    static FieldCodec mysqlBits(int length) {
        int size = (length + 7) / 8;
        return FieldCodec.bytes(() -> bits(length), (g, v) -> {
            byte[] big = (byte[]) v;
            byte[] little = new byte[Math.max(size, big.length)];
            for (int i = 0; i < big.length; i++) {
                little[i] = big[big.length - 1 - i];
            }
            g.writeBinary(little);
        });
    }
}
