package dev.cdc.plugins.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.format.EnvelopeWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Events encoded as JSON lines in memory, whole lines only: an event that fails to encode
 * leaves nothing behind, so a sink never writes half an event. Not thread-safe (one lane).
 */
final class JsonLines {

    private final EnvelopeWriter writer;
    private final boolean pretty;
    private final Buffer buffer = new Buffer(64 * 1024);
    private JsonGenerator generator;

    JsonLines(EnvelopeWriter writer, boolean pretty) {
        this.writer = writer;
        this.pretty = pretty;
        this.generator = newGenerator();
    }

    private JsonGenerator newGenerator() {
        try {
            JsonGenerator g = writer.newGenerator(buffer);
            if (pretty) {
                g.setPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance().withRootSeparator(null)));
            }
            return g;
        } catch (IOException e) {
            throw new IllegalStateException("a JSON generator on memory cannot fail to open", e);
        }
    }

    /** Encodes the event as its lines, each with a line break; on failure nothing of it is kept. */
    void append(StreamEvent event) throws IOException {
        int mark = buffer.size();
        try {
            writer.writeLines(event, generator); // one line per record: several (or none) in the debezium format
            generator.flush();
        } catch (IOException | RuntimeException e) {
            buffer.truncate(mark);
            generator = newGenerator();
            throw e;
        }
    }

    /** Adds raw bytes (a line break that repairs a file, for example). */
    void appendRaw(byte b) {
        buffer.write(b);
    }

    /** Bytes encoded and not yet drained. */
    int size() {
        return buffer.size();
    }

    /** Writes every encoded line to {@code out} and forgets them; does not flush {@code out}. */
    void drainTo(OutputStream out) throws IOException {
        buffer.writeTo(out);
        buffer.reset();
    }

    /** Writes every encoded line to {@code channel} and forgets them. */
    void drainTo(WritableByteChannel channel) throws IOException {
        ByteBuffer bytes = buffer.asByteBuffer();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        buffer.reset();
    }

    /** Drops lines not yet drained. */
    void discard() {
        buffer.reset();
    }

    /** A byte array stream that can be cut back to an earlier size. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int capacity) {
            super(capacity);
        }

        synchronized void truncate(int size) {
            count = size;
        }

        synchronized ByteBuffer asByteBuffer() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}
