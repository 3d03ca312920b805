package dev.cdc.source.postgres.decoding;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The messages of in-progress transactions streamed by protocol 2, kept in one temporary file per
 * transaction until it commits (replayed) or aborts (deleted). Memory use is a buffer per open
 * transaction, whatever the transaction's size. Used from the source thread only.
 */
public final class TransactionSpool implements AutoCloseable {

    /** Receives one spooled message. */
    @FunctionalInterface
    public interface Consumer {
        void accept(long walStart, byte[] bytes, int offset, int length) throws Exception;
    }

    private static final class Spooled {
        final Path file;
        final DataOutputStream out;
        final Set<Integer> abortedSubtransactions = new HashSet<>();

        Spooled(Path file) throws IOException {
            this.file = file;
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024));
        }
    }

    private final Path directory;
    private final Map<Integer, Spooled> open = new HashMap<>();

    /** @param directory where the files go; the JVM's temporary directory when null */
    public TransactionSpool(Path directory) {
        this.directory = directory;
    }

    void append(int xid, int subXid, long walStart, byte[] bytes, int offset, int length) throws IOException {
        Spooled s = open.get(xid);
        if (s == null) {
            Path file = directory == null ? Files.createTempFile("cdc-pg-tx-" + Integer.toUnsignedString(xid) + "-", ".spool")
                    : Files.createTempFile(directory, "cdc-pg-tx-" + Integer.toUnsignedString(xid) + "-", ".spool");
            s = new Spooled(file);
            open.put(xid, s);
        }
        s.out.writeInt(subXid);
        s.out.writeLong(walStart);
        s.out.writeInt(length);
        s.out.write(bytes, offset, length);
    }

    void abortSubtransaction(int xid, int subXid) {
        Spooled s = open.get(xid);
        if (s != null) {
            s.abortedSubtransactions.add(subXid);
        }
    }

    void discard(int xid) throws IOException {
        Spooled s = open.remove(xid);
        if (s != null) {
            s.out.close();
            Files.deleteIfExists(s.file);
        }
    }

    /** Hands every message of the transaction, except those of aborted subtransactions, to the consumer; then deletes it. */
    void replay(int xid, Consumer consumer) throws Exception {
        Spooled s = open.remove(xid);
        if (s == null) {
            return;
        }
        s.out.close();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(s.file), 64 * 1024))) {
            byte[] buffer = new byte[8192];
            while (true) {
                int subXid;
                try {
                    subXid = in.readInt();
                } catch (EOFException end) {
                    break;
                }
                long walStart = in.readLong();
                int length = in.readInt();
                if (buffer.length < length) {
                    buffer = new byte[Math.max(length, buffer.length * 2)];
                }
                in.readFully(buffer, 0, length);
                if (!s.abortedSubtransactions.contains(subXid)) {
                    consumer.accept(walStart, buffer, 0, length);
                }
            }
        } finally {
            Files.deleteIfExists(s.file);
        }
    }

    /** How many streamed transactions are open. */
    public int openTransactions() {
        return open.size();
    }

    /** Deletes every file; idempotent. */
    @Override
    public void close() {
        for (Spooled s : open.values()) {
            try {
                s.out.close();
                Files.deleteIfExists(s.file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        open.clear();
    }
}
