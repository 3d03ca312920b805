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
import dev.cdc.format.debezium.DebeziumRecords;
import dev.cdc.format.debezium.DebeziumSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes events as JSON in one {@link EnvelopeFormat}: the entry point of every sink that writes
 * events. Two ways to use it:
 * <ul>
 *   <li>{@link #records}: the messages an event becomes, each a topic, key bytes and value bytes
 *   (null for a tombstone): for sinks whose messages have a key (Kafka, Redis streams). The
 *   {@code cdc} format gives one per event; the {@code debezium} format gives Debezium's records.</li>
 *   <li>{@link #writeLines}: the same as JSON lines, for line sinks (file, stdout): in the
 *   {@code cdc} format the envelope itself, one line per event; in the {@code debezium} format one
 *   line {@code {"topic":..,"key":..,"value":..}} per record, so keys and tombstones are there.</li>
 * </ul>
 * Events marked by the {@code unwrap} transformer ({@link EnvelopeHeaders}) are written in the
 * unwrapped form of the format. The shapes and the value encoding are documented in
 * {@code docs/envelope.md}.
 *
 * <h2>Threads</h2>
 * Thread-safe. The {@code debezium} format remembers the table schemas it has written (it needs the
 * column types), in a concurrent map; the {@code cdc} format keeps no state.
 */
public final class EnvelopeWriter {

    private static final JsonFactory FACTORY = new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    private static final SerializedString KEY = new SerializedString("key");
    private static final SerializedString VALUE = new SerializedString("value");
    private static final SerializedString TOPIC = new SerializedString("topic");
    private static final SerializedString DELETED = new SerializedString("__deleted");

    private final EnvelopeFormat format;
    private final String pipelineName;
    private final Clock clock;
    private final CdcEnvelope cdc;
    private final DebeziumRecords debezium;

    private EnvelopeWriter(EnvelopeFormat format, String pipelineName, Clock clock, DebeziumSettings settings) {
        this.format = Objects.requireNonNull(format, "format");
        this.pipelineName = Objects.requireNonNull(pipelineName, "pipelineName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cdc = format == EnvelopeFormat.CDC ? new CdcEnvelope(pipelineName) : null;
        this.debezium = format == EnvelopeFormat.DEBEZIUM ? new DebeziumRecords(settings) : null;
    }

    /** A writer whose {@code ts_ms} is the system clock's time; Debezium's defaults for that format. */
    public static EnvelopeWriter of(EnvelopeFormat format, String pipelineName) {
        return of(format, pipelineName, Clock.systemUTC());
    }

    /** A writer whose {@code ts_ms} (the time of writing) comes from {@code clock}; Debezium's defaults. */
    public static EnvelopeWriter of(EnvelopeFormat format, String pipelineName, Clock clock) {
        return new EnvelopeWriter(format, pipelineName, clock, DebeziumSettings.defaults(pipelineName));
    }

    /** A {@code debezium}-format writer with these settings (ignored by the {@code cdc} format). */
    public static EnvelopeWriter of(EnvelopeFormat format, String pipelineName, Clock clock, DebeziumSettings settings) {
        return new EnvelopeWriter(format, pipelineName, clock, settings);
    }

    public EnvelopeFormat format() {
        return format;
    }

    public String pipelineName() {
        return pipelineName;
    }

    /**
     * A UTF-8 generator on {@code out} from the shared factory, writing no separator between
     * top-level values. Closing it does not close {@code out}. A generator is not thread-safe: use
     * one per thread.
     */
    public JsonGenerator newGenerator(OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return g;
    }

    /**
     * The messages the event becomes, in order (none for an event the format does not write: a
     * skipped truncate, a PostgreSQL schema change in the {@code debezium} format).
     */
    public List<EnvelopeRecord> records(StreamEvent event) {
        try {
            if (debezium != null) {
                return debezium.records(event, clock.instant());
            }
            byte[] key = event instanceof ChangeEvent c ? bytes(event, 64, g -> JsonValues.EXACT.writeRow(g, c.key()))
                    : null;
            return List.of(new EnvelopeRecord(event.table().toString(), key, toBytes(event), Map.of()));
        } catch (UncheckedIOException e) {
            throw failure(event, e.getCause());
        }
    }

    /**
     * Writes the event as JSON lines, each followed by {@code '\n'}: the {@code cdc} envelope (one
     * line), or one {@code {"topic":..,"key":..,"value":..}} line per {@code debezium} record. Does
     * not flush the generator.
     */
    public void writeLines(StreamEvent event, JsonGenerator g) throws IOException {
        if (debezium == null) {
            write(event, g);
            g.writeRaw('\n');
            return;
        }
        for (EnvelopeRecord r : records(event)) {
            g.writeStartObject();
            g.writeFieldName(TOPIC);
            g.writeString(r.topic());
            g.writeFieldName(KEY);
            writeRawOrNull(g, r.key());
            g.writeFieldName(VALUE);
            writeRawOrNull(g, r.value());
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void writeRawOrNull(JsonGenerator g, byte[] json) throws IOException {
        if (json == null) {
            g.writeNull();
        } else {
            g.writeRawValue(new String(json, StandardCharsets.UTF_8));
        }
    }

    /**
     * Writes the event as one top-level JSON value: the {@code cdc} envelope, or the value of the
     * event's last {@code debezium} record that has one ({@code null} when none). Does not flush.
     */
    public void write(StreamEvent event, JsonGenerator generator) throws IOException {
        if (debezium != null) {
            byte[] value = null;
            for (EnvelopeRecord r : records(event)) {
                value = r.value() != null ? r.value() : value;
            }
            writeRawOrNull(generator, value);
            return;
        }
        long now = clock.millis();
        if (event instanceof ChangeEvent change) {
            if (isUnwrapped(change)) {
                writeUnwrapped(generator, change);
            } else {
                cdc.writeChange(generator, change, now);
            }
        } else if (event instanceof SchemaChangeEvent schema) {
            cdc.writeSchemaChange(generator, schema, now);
        } else {
            throw new IllegalArgumentException("unknown event type " + event.getClass().getName());
        }
    }

    /** The event as UTF-8 JSON: what {@link #write} writes. */
    public byte[] toBytes(StreamEvent event) {
        return bytes(event, 512, g -> write(event, g));
    }

    /** The event as a JSON string: what {@link #write} writes. */
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
     * The event's key as JSON ({@code {"id":42}}): the key row in the {@code cdc} format, Debezium's
     * key payload in the {@code debezium} format ({@code null} for a table without a key).
     */
    public byte[] keyToBytes(ChangeEvent event) {
        if (debezium != null) {
            List<EnvelopeRecord> records = records(event);
            return records.isEmpty() ? null : records.get(records.size() - 1).key();
        }
        return bytes(event, 64, g -> JsonValues.EXACT.writeRow(g, event.key()));
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

    /** The {@code cdc} format's unwrapped form (docs/envelope.md). */
    private void writeUnwrapped(JsonGenerator g, ChangeEvent e) throws IOException {
        JsonValues values = JsonValues.EXACT;
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
        CdcEnvelope.writeUnchangedList(g, null, row);
        g.writeEndObject();
    }

    private static CdcException failure(StreamEvent event, Throwable e) {
        return new CdcException("could not write the event at " + event.position() + " of table " + event.table()
                + " as JSON: " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "EnvelopeWriter[" + format.yamlName() + ", pipeline " + pipelineName + "]";
    }
}
