package dev.cdc.core.runtime;

import dev.cdc.api.error.CdcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A lane's on-disk log of batches its sink has not taken yet: segment files
 * ({@code 000001.seg}, ...) in the lane's own directory, each record a batch as
 * {@code [length][CRC32C][payload]}, appended by the ingest stage, read back in order by the lane,
 * and a segment deleted once every record in it is acknowledged. Payload byte 0 says what follows:
 * {@code B} a batch as {@link BacklogCodec} wrote it, {@code P} a batch kept in memory at this place
 * ({@link BacklogCodec.Unspillable}). A record whose length or checksum does not match is never
 * decoded: the reader stops with a {@link CorruptBacklogException} naming the file and offset.
 *
 * <p>The backlog is not replayed after a restart: everything in it is after the checkpoint (a
 * spilled batch is not acknowledged), so the source sends it again; {@link #open} deletes what a
 * previous run left. One writer thread and one reader thread; the counters are synchronized.
 */
final class Backlog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Backlog.class);
    private static final int HEADER = 8;
    private static final int MAX_RECORD = 512 * 1024 * 1024;
    /** The payload of a batch kept in memory at its place. */
    private static final byte[] PINNED = {'P'};

    /** A record's size and age, kept until it is acknowledged. */
    private record Meta(int segment, int events, Instant enqueuedAt, Instant firstCommitTime) {
    }

    /** A backlog file that does not hold what was written to it. */
    static final class CorruptBacklogException extends CdcException {
        CorruptBacklogException(Path file, long offset, String what) {
            super("backlog segment " + file + " is corrupt at byte " + offset + ": " + what + "; nothing from it is "
                    + "delivered. Restart the pipeline: the backlog is discarded and the source resumes from the "
                    + "checkpoint, which is before every event in it");
        }
    }

    private final Path directory;
    private final long segmentBytes;
    private final ArrayDeque<Meta> unacknowledged = new ArrayDeque<>();
    private final Map<Long, LaneBatch> pinned = new HashMap<>();
    private final CRC32C crc = new CRC32C();

    private int writeSegment;
    private OutputStream out;
    private long writeOffset;
    private long written;
    private long diskBytes;
    private long events;

    private int readSegment;
    private FileChannel in;
    private long read;
    private int deletedBelow;
    private boolean closed;

    private Backlog(Path directory, long segmentBytes) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
    }

    /** The backlog in {@code directory}, emptied of what an earlier run left there. */
    static Backlog open(Path directory, long segmentBytes, String sink) {
        try {
            Files.createDirectories(directory);
            long left = 0;
            try (DirectoryStream<Path> old = Files.newDirectoryStream(directory, "*.seg")) {
                for (Path p : old) {
                    left += Files.size(p);
                    Files.delete(p);
                }
            }
            if (left > 0) {
                LOG.info("sink '{}': discarded {} bytes of backlog an earlier run left in {}; the source resumes from "
                        + "the checkpoint, which is before all of it", sink, left, directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("sink '" + sink + "': cannot use the backlog directory " + directory, e);
        }
        return new Backlog(directory, segmentBytes);
    }

    Path directory() {
        return directory;
    }

    /** Appends a batch (its {@link BacklogCodec} bytes, kind byte first, or null to keep it in memory). Writer thread. */
    void append(LaneBatch batch, byte[] encoded) throws IOException {
        append(batch, encoded, encoded == null ? 0 : encoded.length);
    }

    /** {@link #append(LaneBatch, byte[])} of {@code encoded[0, length)}. */
    synchronized void append(LaneBatch batch, byte[] encoded, int length) throws IOException {
        if (closed) {
            throw new IOException("the backlog in " + directory + " is closed (the pipeline stopped)");
        }
        byte[] payload;
        int size = length;
        if (encoded == null) {
            pinned.put(written, batch);
            payload = PINNED;
            size = 1;
        } else {
            payload = encoded; // starts with its kind byte, B
        }
        if (out == null || writeOffset > 0 && writeOffset + HEADER + size > segmentBytes) {
            if (out != null) {
                out.close();
            }
            writeSegment++;
            out = new BufferedOutputStream(Files.newOutputStream(segment(writeSegment), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), 64 * 1024);
            writeOffset = 0;
            if (readSegment == 0) {
                readSegment = writeSegment;
            }
        }
        crc.reset();
        crc.update(payload, 0, size);
        ByteBuffer header = ByteBuffer.allocate(HEADER).putInt(size).putInt((int) crc.getValue());
        out.write(header.array());
        out.write(payload, 0, size);
        out.flush();
        writeOffset += HEADER + size;
        diskBytes += HEADER + size;
        written++;
        events += batch.entries().size();
        unacknowledged.addLast(new Meta(writeSegment, batch.entries().size(), batch.enqueuedAt(),
                batch.firstCommitTime()));
    }

    /**
     * The next records, in order, of at most {@code maxEvents} entries (at least one record when
     * there is one) and at most {@code maxRecords} records. Reader thread.
     *
     * @return the batches; empty when every record written so far was read
     */
    List<LaneBatch> read(int maxEvents, int maxRecords) throws IOException {
        List<LaneBatch> unit = new ArrayList<>();
        int taken = 0;
        while (unit.size() < maxRecords && available() && (unit.isEmpty() || taken < maxEvents)) {
            LaneBatch next = next();
            unit.add(next); // read already: delivered with this unit even if it goes past maxEvents
            taken += next.entries().size();
        }
        return unit;
    }

    private synchronized boolean available() {
        return read < written;
    }

    private LaneBatch next() throws IOException {
        long record;
        synchronized (this) {
            record = read;
        }
        if (in == null || in.position() == in.size() && readSegment < currentWriteSegment()) {
            if (in != null) {
                in.close();
                readSegment++;
            }
            in = FileChannel.open(segment(readSegment), StandardOpenOption.READ);
        }
        Path file = segment(readSegment);
        long offset = in.position();
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(header, file, offset, "a record header");
        int length = header.getInt(0);
        int expected = header.getInt(4);
        if (length <= 0 || length > MAX_RECORD) {
            throw new CorruptBacklogException(file, offset, "record length " + length + " is impossible");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(payload, file, offset, "a record of " + length + " bytes");
        CRC32C check = new CRC32C();
        check.update(payload.array());
        if ((int) check.getValue() != expected) {
            throw new CorruptBacklogException(file, offset, "CRC32C mismatch (the record's bytes changed)");
        }
        LaneBatch batch;
        byte kind = payload.get(0);
        if (kind == 'P' && length == 1) {
            synchronized (this) {
                batch = pinned.remove(record);
            }
            if (batch == null) {
                throw new CorruptBacklogException(file, offset, "no batch is held in memory for record " + record);
            }
        } else if (kind == 'B') {
            try {
                batch = BacklogCodec.decode(payload.array(), 1, length - 1);
            } catch (RuntimeException | IOException e) {
                throw new CorruptBacklogException(file, offset, "the record does not decode: " + e);
            }
        } else {
            throw new CorruptBacklogException(file, offset, "unknown record kind " + kind);
        }
        synchronized (this) {
            read++;
        }
        return batch;
    }

    private void readFully(ByteBuffer buffer, Path file, long recordOffset, String what) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                throw new CorruptBacklogException(file, recordOffset, "the file ends inside " + what
                        + " (truncated)");
            }
        }
    }

    private synchronized int currentWriteSegment() {
        return writeSegment;
    }

    /** The lane handled the next {@code records} records read: segments before the last one's are deleted. */
    synchronized void acknowledge(int records) throws IOException {
        Meta last = null;
        for (int i = 0; i < records && !unacknowledged.isEmpty(); i++) {
            last = unacknowledged.pollFirst();
            events -= last.events();
        }
        if (last != null) {
            deleteBelow(last.segment());
        }
        if (unacknowledged.isEmpty() && read == written && diskBytes > 0) {
            clear(); // all of it acknowledged: no file is kept
        }
    }

    private void deleteBelow(int segment) throws IOException {
        for (int s = Math.max(deletedBelow, 1); s < segment; s++) {
            Path p = segment(s);
            if (Files.exists(p)) {
                diskBytes -= Files.size(p);
                Files.delete(p);
            }
        }
        deletedBelow = Math.max(deletedBelow, segment);
    }

    /** True when every record written was read (and so, once acknowledged, the backlog is empty). */
    synchronized boolean drained() {
        return read == written;
    }

    /** Deletes every segment and starts over (once drained and acknowledged, or when the lane is detached). */
    synchronized void clear() throws IOException {
        closeFiles();
        deleteBelow(writeSegment + 1);
        unacknowledged.clear();
        pinned.clear();
        read = written;
        diskBytes = 0;
        events = 0;
        readSegment = 0;
        writeOffset = 0;
    }

    synchronized long bytes() {
        return diskBytes;
    }

    synchronized long events() {
        return events;
    }

    /** When the oldest unacknowledged record was handed to the lane; empty when none. */
    synchronized Optional<Instant> oldestEnqueuedAt() {
        return Optional.ofNullable(unacknowledged.peekFirst()).map(Meta::enqueuedAt);
    }

    /** The commit time of the oldest unacknowledged record's first event; empty when none. */
    synchronized Optional<Instant> oldestCommitTime() {
        return Optional.ofNullable(unacknowledged.peekFirst()).map(Meta::firstCommitTime);
    }

    private Path segment(int n) {
        return directory.resolve(String.format("%06d.seg", n));
    }

    /** Closes the files; a later append after {@link #close} fails, so no file is made after the pipeline stopped. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        closeFiles();
    }

    private void closeFiles() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
        if (in != null) {
            in.close();
            in = null;
        }
    }
}
