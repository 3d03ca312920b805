package dev.cdc.plugins.sink;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.spi.Sink;
import dev.cdc.format.EnvelopeWriter;
import dev.cdc.schema.store.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Appends each event, and each schema change, as one JSON envelope per line to a file.
 *
 * <p>{@link #write} encodes into memory and writes to the file in large chunks; {@link #flush}
 * writes the rest and, with {@code fsync}, forces the file to disk, so an acknowledged event
 * is durable. A line is written whole or not at all by this sink; if the process dies inside
 * the operating system's write, the file may end with a partial line: the next {@link #open}
 * finds it and starts on a new line, so that readers need only skip a line that does not parse.
 *
 * <p>Called from one lane thread, per the {@link Sink} contract.
 */
public final class FileSink implements Sink {

    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);
    private static final int DRAIN_BYTES = 256 * 1024;

    private final Path path;
    private final boolean fsync;
    private final JsonLines lines;
    private FileChannel channel;
    private boolean closed;

    FileSink(Path path, EnvelopeWriter writer, boolean fsync) {
        this.path = Objects.requireNonNull(path, "path");
        this.fsync = fsync;
        this.lines = new JsonLines(writer, false);
    }

    public Path path() {
        return path;
    }

    @Override
    public void open() throws IOException {
        if (closed) {
            throw new IllegalStateException("the file sink for " + path + " is closed");
        }
        if (channel != null) {
            return;
        }
        Path absolute = path.toAbsolutePath();
        Path parent = absolute.getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean existed = Files.exists(absolute);
            boolean partialLine = existed && endsWithPartialLine(absolute);
            channel = FileChannel.open(absolute, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            if (!existed && fsync && parent != null) {
                DurableFiles.fsyncDirectory(parent);
            }
            if (partialLine) {
                LOG.warn("file sink: {} ends with a partial line (the process died while writing?); "
                        + "new events start on the next line", absolute);
                lines.appendRaw((byte) '\n');
            }
        } catch (IOException e) {
            throw new CdcException("the file sink cannot open " + absolute + " for appending: " + e
                    + "; check that the directory is writable, or set another 'path'", e);
        }
    }

    private static boolean endsWithPartialLine(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            in.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    @Override
    public void write(List<ChangeEvent> events) throws IOException {
        ensureOpen();
        for (ChangeEvent e : events) {
            lines.append(e);
            if (lines.size() >= DRAIN_BYTES) {
                lines.drainTo(channel);
            }
        }
    }

    /** Every schema change: it is written into the stream as a {@code "op":"schema"} line. */
    @Override
    public Set<SchemaChangeKind> supportedSchemaChanges() {
        return EnumSet.allOf(SchemaChangeKind.class);
    }

    @Override
    public void applySchemaChange(SchemaChangeEvent change) throws IOException {
        ensureOpen();
        lines.append(change);
    }

    /** Writes every buffered line and, with {@code fsync}, forces the file to disk. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        lines.drainTo(channel);
        if (fsync) {
            channel.force(false);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the file sink for " + path + " is closed");
        }
        if (channel == null) {
            throw new IllegalStateException("the file sink for " + path + " is not open; call open() before write()");
        }
    }

    /** Closes the file; lines not flushed are dropped (the engine replays unacknowledged events). Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        lines.discard();
        if (channel != null) {
            FileChannel c = channel;
            channel = null;
            c.close();
        }
    }

    @Override
    public String toString() {
        return "file sink " + path;
    }
}
