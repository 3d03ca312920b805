package dev.cdc.source.postgres.decoding;

import dev.cdc.api.event.Unchanged;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes pgoutput messages (protocol 1, and protocol 2's streamed transactions) into calls on
 * a {@link PgOutputListener}. Streamed (in-progress) transactions are written to a
 * {@link TransactionSpool} on disk as they arrive and replayed when their Stream Commit comes, so
 * a huge transaction never sits in memory. Used from the source thread only.
 *
 * <p>Message formats: PostgreSQL's "Logical Replication Message Formats" chapter.
 */
public final class PgOutputDecoder {

    private final PgOutputListener listener;
    private final TransactionSpool spool;
    private int streamingXid = -1;

    // read cursor of the message being decoded
    private byte[] data;
    private int pos;
    private int end;

    public PgOutputDecoder(PgOutputListener listener, TransactionSpool spool) {
        this.listener = listener;
        this.spool = spool;
    }

    /** Decodes one message: {@code length} bytes from {@code offset}; its WAL position unknown (0). */
    public void decode(byte[] bytes, int offset, int length) throws Exception {
        decode(bytes, offset, length, 0);
    }

    /** Decodes one message: {@code length} bytes from {@code offset}, sent at WAL position {@code walStart}. */
    public void decode(byte[] bytes, int offset, int length, long walStart) throws Exception {
        byte tag = bytes[offset];
        if (streamingXid >= 0 && tag != 'E' && tag != 'S' && tag != 'c' && tag != 'A') {
            // inside a Stream Start .. Stream Stop block: every message names its (sub)transaction
            int xid = readInt(bytes, offset + 1);
            spool.append(streamingXid, xid, walStart, bytes, offset, length);
            return;
        }
        listener.walStart(walStart);
        dispatch(bytes, offset, length, false);
    }

    private void dispatch(byte[] bytes, int offset, int length, boolean streamed) throws Exception {
        this.data = bytes;
        this.pos = offset + 1;
        this.end = offset + length;
        byte tag = bytes[offset];
        if (streamed && tag != 'S' && tag != 'E' && tag != 'c' && tag != 'A') {
            pos += 4; // the xid
        }
        switch (tag) {
            case 'B' -> listener.begin(int64(), int64(), int32() & 0xffffffffL);
            case 'C' -> {
                int8();
                listener.commit(int64(), int64(), int64());
            }
            case 'R' -> listener.relation(relation());
            case 'Y', 'O' -> {
                // Type and Origin messages: types are read from pg_type by oid instead
            }
            case 'I' -> {
                int rel = int32();
                int8(); // 'N'
                listener.insert(rel, tuple());
            }
            case 'U' -> {
                int rel = int32();
                char kind = (char) int8();
                Object[] old = null;
                char oldKind = 0;
                if (kind == 'K' || kind == 'O') {
                    oldKind = kind;
                    old = tuple();
                    kind = (char) int8();
                }
                listener.update(rel, oldKind, old, tuple());
            }
            case 'D' -> {
                int rel = int32();
                char kind = (char) int8();
                listener.delete(rel, kind, tuple());
            }
            case 'T' -> {
                int n = int32();
                int options = int8();
                int[] rels = new int[n];
                for (int i = 0; i < n; i++) {
                    rels[i] = int32();
                }
                listener.truncate(rels, (options & 1) != 0, (options & 2) != 0);
            }
            case 'M' -> {
                boolean transactional = (int8() & 1) != 0;
                long lsn = int64();
                String prefix = cstring();
                int len = int32();
                byte[] content = new byte[len];
                System.arraycopy(data, pos, content, 0, len);
                pos += len;
                listener.message(transactional, lsn, prefix, content);
            }
            case 'S' -> {
                streamingXid = int32();
                int8();
            }
            case 'E' -> streamingXid = -1;
            case 'c' -> {
                int xid = int32();
                int8();
                long commitLsn = int64();
                long endLsn = int64();
                long ts = int64();
                replay(xid, commitLsn, endLsn, ts);
            }
            case 'A' -> {
                int xid = int32();
                int subXid = int32();
                if (xid == subXid) {
                    spool.discard(xid);
                } else {
                    spool.abortSubtransaction(xid, subXid);
                }
            }
            default -> throw new IOException("unknown pgoutput message '" + (char) tag + "' (" + tag
                    + "); is the slot's plugin pgoutput?");
        }
    }

    private void replay(int xid, long commitLsn, long endLsn, long ts) throws Exception {
        listener.begin(commitLsn, ts, xid & 0xffffffffL);
        spool.replay(xid, (walStart, bytes, off, len) -> {
            listener.walStart(walStart);
            dispatch(bytes, off, len, true);
        });
        listener.walStart(endLsn);
        listener.commit(commitLsn, endLsn, ts);
    }

    private RelationMessage relation() {
        int oid = int32();
        String ns = cstring();
        String name = cstring();
        char identity = (char) int8();
        int n = int16();
        List<RelationMessage.Column> cols = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean key = (int8() & 1) != 0;
            String colName = cstring();
            int type = int32();
            int typmod = int32();
            cols.add(new RelationMessage.Column(key, colName, type, typmod));
        }
        return new RelationMessage(oid, ns, name, identity, cols);
    }

    private Object[] tuple() throws IOException {
        int n = int16();
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            byte kind = data[pos++];
            switch (kind) {
                case 'n' -> values[i] = null;
                case 'u' -> values[i] = Unchanged.VALUE;
                case 't' -> {
                    int len = int32();
                    values[i] = new String(data, pos, len, StandardCharsets.UTF_8);
                    pos += len;
                }
                default -> throw new IOException("unexpected tuple value kind '" + (char) kind
                        + "'; binary mode is not used by this source");
            }
        }
        return values;
    }

    private int int8() {
        return data[pos++] & 0xff;
    }

    private int int16() {
        int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    private int int32() {
        int v = readInt(data, pos);
        pos += 4;
        return v;
    }

    private long int64() {
        long v = ((long) readInt(data, pos) << 32) | (readInt(data, pos + 4) & 0xffffffffL);
        pos += 8;
        return v;
    }

    private String cstring() {
        int start = pos;
        while (data[pos] != 0) {
            pos++;
        }
        String s = new String(data, start, pos - start, StandardCharsets.UTF_8);
        pos++;
        return s;
    }

    static int readInt(byte[] b, int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    /** The number of bytes left unread in the current message (for tests). */
    int remaining() {
        return end - pos;
    }
}
