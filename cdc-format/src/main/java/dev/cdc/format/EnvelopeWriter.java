package dev.cdc.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Objects;

/**
 * Writes events as JSON in one {@link EnvelopeFormat}, or in the unwrapped key/value form when
 * the event's {@link EnvelopeHeaders#ENVELOPE} header says {@value EnvelopeHeaders#UNWRAPPED}.
 * The shapes and the value encoding are documented in {@code docs/envelope.md}.
 *
 * <h2>Threads</h2>
 * Immutable and thread-safe: one instance may serve every lane of a pipeline. It keeps no
 * per-event state; the JSON factory it shares recycles its buffers per thread.
 */
public final class EnvelopeWriter {

    private static final JsonFactory FACTORY = new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    private static final SerializedString KEY = new SerializedString("key");
    private static final SerializedString VALUE = new SerializedString("value");
    private static final SerializedString DELETED = new SerializedString("__deleted");

    private final EnvelopeFormat format;
    private final String pipelineName;
    private final Clock clock;
    private final Envelope envelope;

    private EnvelopeWriter(EnvelopeFormat format, String pipelineName, Clock clock) {
        this.format = Objects.requireNonNull(format, "format");
        this.pipelineName = Objects.requireNonNull(pipelineName, "pipelineName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.envelope = switch (format) {
            case CDC -> new CdcEnvelope(pipelineName);
            case DEBEZIUM -> new DebeziumEnvelope(pipelineName);
        };
    }

    /** A writer whose {@code ts_ms} is the system clock's time. */
    public static EnvelopeWriter of(EnvelopeFormat format, String pipelineName) {
        return new EnvelopeWriter(format, pipelineName, Clock.systemUTC());
    }

    /** A writer whose {@code ts_ms} (the time of writing) comes from {@code clock}. */
    public static EnvelopeWriter of(EnvelopeFormat format, String pipelineName, Clock clock) {
        return new EnvelopeWriter(format, pipelineName, clock);
    }

    public EnvelopeFormat format() {
        return format;
    }

    public String pipelineName() {
        return pipelineName;
    }

    /**
     * A UTF-8 generator on {@code out} from the shared factory, writing no separator between
     * top-level values (write your own line breaks with {@code writeRaw('\n')}). Closing it does
     * not close {@code out}. A generator is not thread-safe: use one per thread.
     */
    public JsonGenerator newGenerator(OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return g;
    }

    /**
     * Writes the event as one top-level JSON value. Does not flush the generator.
     *
     * @throws IOException from the generator
     */
    public void write(StreamEvent event, JsonGenerator generator) throws IOException {
        long now = clock.millis();
        if (event instanceof ChangeEvent change) {
            if (isUnwrapped(change)) {
                writeUnwrapped(generator, change);
            } else {
                envelope.writeChange(generator, change, now);
            }
        } else if (event instanceof SchemaChangeEvent schema) {
            envelope.writeSchemaChange(generator, schema, now);
        } else {
            throw new IllegalArgumentException("unknown event type " + event.getClass().getName());
        }
    }

    /** The event as UTF-8 JSON. */
    public byte[] toBytes(StreamEvent event) {
        return bytes(event, 512, g -> write(event, g));
    }

    /** The event as a JSON string. */
    public String toJson(StreamEvent event) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(event, g);
        } catch (IOException e) {
            throw failure(event, e);
        }
        return out.toString();
    }

    /**
     * The event's key row as a JSON object ({@code {"id":42}}), for sinks whose messages have a
     * key (Kafka, Redis streams); in the {@code debezium} format this is Debezium's key payload.
     */
    public byte[] keyToBytes(ChangeEvent event) {
        return bytes(event, 64, g -> envelope.values().writeRow(g, event.key()));
    }

    /** What {@link #bytes} writes. */
    private interface JsonBody {
        void writeTo(JsonGenerator g) throws IOException;
    }

    private static byte[] bytes(StreamEvent event, int sizeHint, JsonBody body) {
        ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.writeTo(g);
        } catch (IOException e) {
            throw failure(event, e);
        }
        return out.toByteArray();
    }

    /** Whether the event is written in the unwrapped {@code {"key":..,"value":..}} form. */
    public static boolean isUnwrapped(ChangeEvent event) {
        return event.operation() != Operation.TRUNCATE
                && EnvelopeHeaders.UNWRAPPED.equals(event.headers().get(EnvelopeHeaders.ENVELOPE));
    }

    private void writeUnwrapped(JsonGenerator g, ChangeEvent e) throws IOException {
        JsonValues values = envelope.values();
        boolean rewrite = EnvelopeHeaders.DELETE_REWRITE.equals(e.headers().get(EnvelopeHeaders.DELETE_HANDLING));
        Row row = e.isDelete() ? (rewrite ? e.before().orElse(e.key()) : null) : e.after().orElseThrow();
        g.writeStartObject();
        g.writeFieldName(KEY);
        values.writeRow(g, e.key());
        g.writeFieldName(VALUE);
        if (row == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            values.writeColumns(g, row);
            if (rewrite) {
                g.writeFieldName(DELETED);
                g.writeBoolean(e.isDelete());
            }
            g.writeEndObject();
        }
        if (envelope.listsUnchanged()) {
            CdcEnvelope.writeUnchangedList(g, null, row);
        }
        g.writeEndObject();
    }

    private static CdcException failure(StreamEvent event, IOException e) {
        return new CdcException("could not write the event at " + event.position() + " of table " + event.table()
                + " as JSON: " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "EnvelopeWriter[" + format.yamlName() + ", pipeline " + pipelineName + "]";
    }
}
