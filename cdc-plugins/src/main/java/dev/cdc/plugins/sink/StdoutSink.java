package dev.cdc.plugins.sink;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.spi.Sink;
import dev.cdc.format.EnvelopeWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Writes each event, and each schema change, as one JSON envelope per line to
 * {@link System#out} (the stream current at {@link #open()}). {@link #flush()} flushes the
 * stream. Called from one lane thread, per the {@link dev.cdc.api.spi.Sink} contract.
 */
public final class StdoutSink implements Sink {

    private static final int DRAIN_BYTES = 64 * 1024;

    private final JsonLines lines;
    private PrintStream out;
    private boolean closed;

    StdoutSink(EnvelopeWriter writer, boolean pretty) {
        this.lines = new JsonLines(writer, pretty);
    }

    @Override
    public void open() {
        out = System.out;
    }

    @Override
    public void write(List<ChangeEvent> events) throws Exception {
        ensureOpen();
        for (ChangeEvent e : events) {
            lines.append(e);
            if (lines.size() >= DRAIN_BYTES) {
                lines.drainTo(out);
            }
        }
    }

    /** Every schema change: it is written into the stream as a {@code "op":"schema"} line. */
    @Override
    public Set<SchemaChangeKind> supportedSchemaChanges() {
        return EnumSet.allOf(SchemaChangeKind.class);
    }

    @Override
    public void applySchemaChange(SchemaChangeEvent change) throws Exception {
        ensureOpen();
        lines.append(change);
    }

    @Override
    public void flush() throws Exception {
        ensureOpen();
        lines.drainTo(out);
        out.flush();
        if (out.checkError()) {
            throw new IOException("standard output reported an error (closed pipe?)");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the stdout sink is closed");
        }
        if (out == null) {
            throw new IllegalStateException("the stdout sink is not open; call open() before write()");
        }
    }

    /** Forgets lines not flushed; never closes standard output. Idempotent. */
    @Override
    public void close() {
        closed = true;
        lines.discard();
    }
}
