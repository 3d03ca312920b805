package dev.cdc.core.runtime;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A lane's spill thread: the ingest stage only hands a batch over (a small bounded queue, so it
 * waits when the thread is behind and memory stays bounded); this thread encodes it
 * ({@link BacklogCodec}) and appends it to the lane's {@link Backlog}, in hand-over order, then
 * tells the {@link LaneBuffer} the record is there to read. The thread runs while there is work
 * and ends when idle. A failed write is kept and reported to both sides (the next hand-over and
 * the reader), so nothing after it is read as if it were there.
 */
final class SpillWriter {

    /** What the buffer does once a batch is in the backlog (under its lock), or skips when discarded. */
    interface Written {
        /**
         * Appends the batch ({@code encoded[0, length)}, or null to pin it in memory) and counts it;
         * under the buffer's lock. The array is the writer's, reused for the next batch.
         */
        void append(LaneBatch batch, byte[] encoded, int length) throws IOException;
    }

    /** Batches handed over and not yet written; small, so the memory it holds stays bounded. */
    static final int HAND_OFF = 8;
    private static final long IDLE_MILLIS = 200;
    /** A buffer grown past this by a large batch is let go after it. */
    private static final int KEEP_BYTES = 4 << 20;

    private final ArrayBlockingQueue<LaneBatch> queue = new ArrayBlockingQueue<>(HAND_OFF);
    private final String name;
    private final Written written;
    private boolean running;
    private volatile IOException failure;
    /** What batches are encoded into (the spill thread's: one runs at a time). */
    private BacklogCodec.Encoded buffer = new BacklogCodec.Encoded();

    SpillWriter(String name, Written written) {
        this.name = name;
        this.written = written;
    }

    /** Hands a batch over; waits while {@link #HAND_OFF} batches are still being written. Ingest thread. */
    void submit(LaneBatch batch) throws InterruptedException, IOException {
        check();
        queue.put(batch);
        synchronized (this) {
            if (!running) {
                running = true;
                Thread t = new Thread(this::run, "cdc-spill-" + name);
                t.setDaemon(true);
                t.start();
            }
        }
    }

    /** Throws the write failure, if one happened. */
    void check() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("the backlog writer failed: " + f.getMessage(), f);
        }
    }

    /** Drops what was handed over and not written yet (the lane is detached). */
    void drop() {
        queue.clear();
    }

    private void run() {
        try {
            while (true) {
                LaneBatch batch = queue.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
                if (batch == null) {
                    synchronized (this) {
                        if (queue.isEmpty()) {
                            running = false;
                            return;
                        }
                    }
                    continue;
                }
                write(batch);
                if (failure != null) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException("the backlog writer of sink '" + name + "' was interrupted");
            stop();
        }
    }

    private void write(LaneBatch batch) {
        try {
            boolean spillable = encode(batch);
            written.append(batch, spillable ? buffer.array() : null, spillable ? buffer.size() : 0);
            if (buffer.array().length > KEEP_BYTES) {
                buffer = new BacklogCodec.Encoded();
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
            stop();
        }
    }

    private synchronized void stop() {
        queue.clear();
        running = false;
    }

    /** Encodes the batch into {@link #buffer}; false when it cannot be (it is kept in memory at its place in the backlog). */
    private boolean encode(LaneBatch batch) {
        try {
            BacklogCodec.encode(batch, buffer);
            return true;
        } catch (BacklogCodec.Unspillable e) {
            return false;
        }
    }
}
