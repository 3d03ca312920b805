package dev.cdc.source.postgres.position;

import dev.cdc.api.event.Position;
import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.jdbc.snapshot.TableProgress;

import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The positions of the PostgreSQL source.
 *
 * <p>A streamed event: {@code {"lsn": "<commit LSN X/X>", "index": "<n>"}}, its sort key the 16
 * hex digits of the commit LSN and the 8 hex digits of the index within the transaction that
 * committed at that LSN: {@code 2n + 1} for its n-th data event (from 0), {@code 2n} for a schema
 * change just before it (see {@code EventAssembler}). Never the LSN alone: a transaction holds many events,
 * and (PostgreSQL 17) a transaction's commit may share an LSN with the next one's first change.
 *
 * <p>A snapshot event (tables may be read in parallel, their events interleaved):
 * {@code {"snapshot": "true", "lsn": <the slot's consistent point>, "seq": <n>, "next": <m>,
 * "t.<i>": <schema.name>, "t.<i>.key.<j>": ...}}: {@code seq} numbers the snapshot's events in
 * emit order; the tables of index (in the selected order) below {@code next} were started, and
 * those among them listed as {@code t.<i>} are in progress, with the primary-key values (text)
 * of their last delivered row (none: nothing delivered yet, or no primary key); the others are
 * finished. Its sort key is the 16 hex digits of consistent point - 1, so every snapshot event
 * sorts before every streamed event (those commit at or after the consistent point), then the
 * 16 hex digits of {@code seq}. The earlier sequential form ({@code table}, {@code table_index},
 * {@code row}, {@code key.<j>}) is still read ({@link #snapshotState}).
 */
public final class PgPosition {

    public static final String LSN = "lsn";
    public static final String INDEX = "index";
    public static final String SNAPSHOT = "snapshot";
    public static final String TABLE = "table";
    public static final String TABLE_INDEX = "table_index";
    public static final String ROW = "row";
    public static final String KEY_PREFIX = "key.";
    public static final String SEQ = "seq";
    public static final String NEXT = "next";

    private PgPosition() {
    }

    /** Offset: the change's own LSN (not part of the resume point; the debezium format's {@code source.lsn}). */
    public static final String CHANGE_LSN = "change_lsn";
    /** Offset: the end LSN of the transaction before, when known (the debezium format's {@code sequence}). */
    public static final String PREV_END_LSN = "prev_end_lsn";
    /** Offset: the database's name (the debezium format's {@code source.db}). */
    public static final String DB = "db";

    /** The position of the {@code index}-th event of the transaction that committed at {@code commitLsn}. */
    public static Position stream(long commitLsn, int index) {
        return Position.of(Map.of(LSN, formatLsn(commitLsn), INDEX, Integer.toString(index)),
                Position.sortKeyOf(commitLsn) + hex8(index));
    }

    /**
     * {@link #stream(long, int)} with what describes the change besides its resume point: its own
     * LSN, the end LSN of the transaction before ({@code -1}: not known) and the database's name.
     */
    public static Position stream(long commitLsn, int index, long changeLsn, long prevEndLsn, String db) {
        Map<String, String> o = new HashMap<>(8);
        o.put(LSN, formatLsn(commitLsn));
        o.put(INDEX, Integer.toString(index));
        o.put(CHANGE_LSN, formatLsn(changeLsn));
        if (prevEndLsn >= 0) {
            o.put(PREV_END_LSN, formatLsn(prevEndLsn));
        }
        o.put(DB, db);
        return Position.of(o, Position.sortKeyOf(commitLsn) + hex8(index));
    }

    /** A snapshot event's position. */
    public static Position snapshot(long consistentPoint, SnapshotState state) {
        Map<String, String> offsets = new HashMap<>(8 + state.inProgress().size() * 3);
        offsets.put(SNAPSHOT, "true");
        offsets.put(LSN, formatLsn(consistentPoint));
        offsets.put(SEQ, Long.toString(state.seq()));
        state.writeTo(offsets);
        return Position.of(offsets, Position.sortKeyOf(Math.max(0, consistentPoint - 1))
                + Position.sortKeyOf(state.seq()));
    }

    /** Where a snapshot stands: the state recorded in a snapshot position (also the earlier sequential form: seq -1 then). */
    public static SnapshotState snapshotState(Position p) {
        Map<String, String> o = p.offsets();
        SortedMap<Integer, TableProgress> inProgress = new TreeMap<>();
        if (o.containsKey(TABLE_INDEX)) {
            int index = Integer.parseInt(o.get(TABLE_INDEX));
            inProgress.put(index, new TableProgress(o.get(TABLE), keys(o, KEY_PREFIX)));
            return new SnapshotState(-1, index + 1, inProgress);
        }
        return SnapshotState.from(Long.parseLong(o.get(SEQ)), o);
    }

    private static String[] keys(Map<String, String> offsets, String prefix) {
        int n = 0;
        while (offsets.containsKey(prefix + n)) {
            n++;
        }
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = offsets.get(prefix + i);
        }
        return keys;
    }

    public static boolean isSnapshot(Position p) {
        return "true".equals(p.offsets().get(SNAPSHOT));
    }

    public static long lsn(Position p) {
        return parseLsn(p.offset(LSN));
    }

    /** The event index of a streamed position. */
    public static int index(Position p) {
        return Integer.parseInt(p.offset(INDEX));
    }

    /** {@code X/X} as PostgreSQL writes LSNs. */
    public static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }

    public static long parseLsn(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN; expected X/X in hexadecimal");
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    private static String hex8(long value) {
        String hex = Long.toHexString(value);
        return "0".repeat(8 - hex.length()) + hex;
    }
}
