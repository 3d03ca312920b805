package dev.cdc.api.verify;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.TableId;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Reads back what a sink holds, for {@code cdc verify}. The comparison is exact because the
 * sink encodes a source row through its own codec ({@link #expected}) and compares that with
 * what it stores ({@link #stored}), both in one canonical form.
 *
 * <h2>Lifecycle and threads</h2>
 * {@link #open} once, then any calls, then {@link #close} (idempotent). {@code cdc verify} uses a
 * reader from up to three threads at once, in two groups:
 * <ul>
 *   <li>the <b>encoding</b> methods {@link #id}, {@link #expected} and {@link #expectedBytes} run
 *   on an encoding thread (two at once when {@link #encodesConcurrently} says so), <em>while</em>
 *   the reading methods run on another (and later on the main thread too, in the re-checks);</li>
 *   <li>the <b>reading</b> methods ({@link #count}, {@link #canScan}, {@link #stored},
 *   {@link #forEachId}, {@link #keyOf}, {@link #sameRow}) run one at a time on the verify's main
 *   thread, except {@link #scan} and {@link #scanBytes}, which run on a scanning thread of their
 *   own while the main thread calls none of them.</li>
 * </ul>
 * So {@link #id}, {@link #expected} and {@link #expectedBytes} must read only state that does not
 * change after {@link #open} (settings, mappings, thread-safe codecs), never the connection the
 * reading methods use; the reading methods need no lock among themselves. Calls of one thread
 * happen-before the start of the threads made after them (what {@link #open} set is seen by all),
 * and nothing may be tied to the calling thread.
 */
public interface SinkReader extends AutoCloseable {

    /** Connects. */
    void open() throws Exception;

    /** The id the sink keeps a row of this table under (document id, Redis key). */
    String id(ChangeEvent row);

    /**
     * What the sink would store for this READ event, in its stored form (see {@link StoredRow#canonical}):
     * equal texts are equal rows. Chunk checksums hash these texts, so producing them must be cheap.
     */
    String expected(ChangeEvent row);

    /** Receives rows as UTF-8 bytes: {@code bytes[offset, offset + length)}, valid only during the call. */
    @FunctionalInterface
    interface RowBytes {
        void row(int index, byte[] bytes, int offset, int length);
    }

    /** Receives stored rows as UTF-8 bytes: {@code bytes[offset, offset + length)}, valid only during the call. */
    @FunctionalInterface
    interface StoredBytes {
        void row(String id, byte[] bytes, int offset, int length);
    }

    /**
     * {@link #expected} of each row, as its UTF-8 bytes, handed to {@code to} in order with the row's
     * index: what a verify hashes, so a sink can write them without building texts. Must give
     * exactly the bytes of {@link #expected}. The default encodes {@link #expected}.
     */
    default void expectedBytes(List<ChangeEvent> rows, RowBytes to) {
        for (int i = 0; i < rows.size(); i++) {
            byte[] b = expected(rows.get(i)).getBytes(StandardCharsets.UTF_8);
            to.row(i, b, 0, b.length);
        }
    }

    /**
     * Whether {@link #id} and {@link #expected} may also be called from two threads at once, with each
     * other (they read only immutable state and keep no per-call buffer in a field), so a verify can
     * encode source rows in parallel. Default: no (one encoding thread, still beside the reading one).
     */
    default boolean encodesConcurrently() {
        return false;
    }

    /**
     * Whether two texts that differ are still the same row (field order, white space): asked for
     * the rows whose texts differ, before one is reported. The default: texts must be equal.
     */
    default boolean sameRow(String expected, String stored) {
        return expected.equals(stored);
    }

    /** What the sink holds now under these ids of the table; an id it holds nothing under is left out. */
    Map<String, StoredRow> stored(TableId table, Collection<String> ids) throws Exception;

    /**
     * How many rows the sink holds for the table, when it can tell cheaply (then, when every
     * source row was found, no enumeration for extra rows is needed); empty when it cannot.
     */
    default OptionalLong count(TableId table) throws Exception {
        return OptionalLong.empty();
    }

    /**
     * Whether {@link #scan} reads a table's stored rows faster than {@link #stored} reads them by
     * id (a scroll over a search index): then a verify of a table the sink holds at most a few
     * million rows of reads the sink once, at scan speed, beside the source.
     */
    default boolean canScan() {
        return false;
    }

    /**
     * Hands every row the sink holds for the table to {@code batch}, a batch at a time, in no
     * particular order, in the same form as {@link #stored}.
     *
     * @throws UnsupportedOperationException when {@link #canScan} is false
     */
    default void scan(TableId table, Consumer<List<StoredRow>> batch) throws Exception {
        throw new UnsupportedOperationException(this + " cannot scan a table; read it by id");
    }

    /**
     * {@link #scan} with each row's canonical form as UTF-8 bytes (what a verify hashes), so a sink
     * can hand over the bytes it received without building texts. Must give exactly the bytes of
     * {@link StoredRow#canonical}. The default encodes what {@link #scan} gives.
     */
    default void scanBytes(TableId table, StoredBytes to) throws Exception {
        scan(table, rows -> rows.forEach(r -> {
            byte[] b = r.canonical().getBytes(StandardCharsets.UTF_8);
            to.row(r.id(), b, 0, b.length);
        }));
    }

    /** Hands every id the sink holds for the table to {@code batch}, a batch at a time. */
    void forEachId(TableId table, Consumer<List<String>> batch) throws Exception;

    /**
     * The source key (text per key column, in key order) of an id this sink gave a row of the
     * table; empty when the id is not one the sink's id scheme makes.
     */
    Optional<List<String>> keyOf(TableId table, String id, int keyColumns);

    @Override
    void close() throws Exception;
}
