package dev.cdc.format.debezium;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * How one column's values are written in the {@code debezium} format (the payload the connector's
 * value converter gives, as Kafka's JsonConverter writes it) and the column's Connect schema.
 * Immutable and thread-safe.
 */
public interface FieldCodec {

    /** Writes a value that is neither null nor unchanged; may write {@code null} (Debezium's null for it). */
    void write(JsonGenerator g, Object value) throws IOException;

    /**
     * Writes a value of a snapshot read ({@code snapshot} true) or of the log: the same, except for
     * the few values Debezium's snapshot reads through JDBC objects and its log reader through text
     * (PostgreSQL's infinity dates).
     */
    default void write(JsonGenerator g, Object value, boolean snapshot) throws IOException {
        write(g, value);
    }

    /** The field's Connect schema (its {@code optional} flag is the caller's). */
    ConnectSchema schema();

    /** An unchanged TOAST column: Debezium's placeholder, in the field's own form. */
    default void writeUnavailable(JsonGenerator g, String placeholder) throws IOException {
        g.writeString(placeholder);
    }

    /** A codec that writes {@code f} of the value's text with this one (hstore text to JSON, ...). */
    default FieldCodec withText(java.util.function.UnaryOperator<String> f) {
        FieldCodec base = this;
        return snapshotAware(base::schema, (g, value, snapshot) -> base.write(g, f.apply(value.toString()), snapshot))
                .withUnavailable((g, placeholder) -> base.writeUnavailable(g, placeholder.toString()));
    }

    /** Writes one value. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g, Object value) throws IOException;
    }

    /** Writes one value of a snapshot read or of the log. */
    @FunctionalInterface
    interface SnapshotWriter {
        void write(JsonGenerator g, Object value, boolean snapshot) throws IOException;
    }

    /** A codec whose writing depends on whether the value came from a snapshot read. */
    static FieldCodec snapshotAware(Supplier<ConnectSchema> schema, SnapshotWriter writer) {
        return new FieldCodec() {
            @Override
            public void write(JsonGenerator g, Object value) throws IOException {
                writer.write(g, value, false);
            }

            @Override
            public void write(JsonGenerator g, Object value, boolean snapshot) throws IOException {
                writer.write(g, value, snapshot);
            }

            @Override
            public ConnectSchema schema() {
                return schema.get();
            }
        };
    }

    /** A codec of a writer and a schema. */
    static FieldCodec of(Supplier<ConnectSchema> schema, Writer writer) {
        return snapshotAware(schema, (g, value, snapshot) -> writer.write(g, value));
    }

    /** A bytes codec: an unchanged column is the placeholder's UTF-8 bytes, as Debezium writes it. */
    static FieldCodec bytes(Supplier<ConnectSchema> schema, Writer writer) {
        return of(schema, writer).withUnavailable((g, placeholder) ->
                g.writeBinary(placeholder.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * An array of elements written by {@code element}; an unchanged array by {@code unavailable}
     * (given the placeholder). A nested (multi-dimensional) array's elements are null: Debezium's
     * schema has one dimension and it writes them so.
     */
    static FieldCodec array(FieldCodec element, Writer unavailable) {
        return snapshotAware(() -> ConnectSchema.array(element.schema().optional(true)), (g, value, snapshot) -> {
            g.writeStartArray();
            for (Object e : (List<?>) value) {
                if (e == null || e instanceof List<?>) {
                    g.writeNull();
                } else {
                    element.write(g, e, snapshot);
                }
            }
            g.writeEndArray();
        }).withUnavailable(unavailable);
    }

    /** A codec whose unchanged TOAST values are written by {@code unavailable} (given the placeholder). */
    default FieldCodec withUnavailable(Writer unavailable) {
        FieldCodec base = this;
        return new FieldCodec() {
            @Override
            public void write(JsonGenerator g, Object value) throws IOException {
                base.write(g, value);
            }

            @Override
            public void write(JsonGenerator g, Object value, boolean snapshot) throws IOException {
                base.write(g, value, snapshot);
            }

            @Override
            public ConnectSchema schema() {
                return base.schema();
            }

            @Override
            public void writeUnavailable(JsonGenerator g, String placeholder) throws IOException {
                unavailable.write(g, placeholder);
            }
        };
    }

    // ------------------------------------------------------------------ plain types

    static FieldCodec int16() {
        return of(() -> ConnectSchema.of("int16"), (g, v) -> g.writeNumber(((Number) v).shortValue()));
    }

    static FieldCodec int32() {
        return of(() -> ConnectSchema.of("int32"), (g, v) -> g.writeNumber(((Number) v).intValue()));
    }

    static FieldCodec int64() {
        return of(() -> ConnectSchema.of("int64"), (g, v) -> {
            if (v instanceof BigDecimal d) {
                g.writeNumber(d.toBigInteger().longValue()); // BIGINT UNSIGNED in Debezium's long mode: wraps
            } else {
                g.writeNumber(((Number) v).longValue());
            }
        });
    }

    static FieldCodec float32() {
        return of(() -> ConnectSchema.of("float"), (g, v) -> {
            float f = ((Number) v).floatValue();
            if (Float.isFinite(f)) {
                g.writeNumber(f);
            } else {
                g.writeString(Float.toString(f));
            }
        });
    }

    static FieldCodec float64() {
        return of(() -> ConnectSchema.of("double"), (g, v) -> {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeString(Double.toString(d));
            }
        });
    }

    static FieldCodec bool() {
        return of(() -> ConnectSchema.of("boolean"), (g, v) -> g.writeBoolean((Boolean) v));
    }

    static FieldCodec string() {
        return of(() -> ConnectSchema.of("string"), (g, v) -> g.writeString(v.toString()));
    }

    /** A string of a named logical type ({@code io.debezium.data.Json}, ...). */
    static FieldCodec namedString(String name) {
        return of(() -> ConnectSchema.named("string", name), (g, v) -> g.writeString(v.toString()));
    }
}
