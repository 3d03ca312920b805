package dev.cdc.sink.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one flat MessagePack array of strings and integers straight into a growing buffer, for
 * a script that reads it with {@code cmsgpack.unpack}: Redis then parses one bulk string instead
 * of thousands of small ones, and integers reach Lua as numbers (no {@code tonumber}). Only the
 * str and int formats are written, which every cmsgpack version reads. Used by one thread.
 */
final class MsgPackWriter {

    private byte[] buffer;
    private int size;
    private int items;

    MsgPackWriter(int initialCapacity) {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    /** Number of elements written so far. */
    int items() {
        return items;
    }

    /** A string element: the text as UTF-8. */
    void string(String s) {
        int n = s.length();
        ensure(5 + n);
        int start = size;
        int at = size + header(n);
        byte[] b = buffer;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                size = start; // not ASCII: the UTF-8 length differs, write it again from its bytes
                string(s.getBytes(StandardCharsets.UTF_8));
                return;
            }
            b[at++] = (byte) c;
        }
        writeHeader(start, n);
        size = at;
        items++;
    }

    /** A string element holding these bytes. */
    void string(byte[] bytes) {
        int n = bytes.length;
        ensure(5 + n);
        writeHeader(size, n);
        int at = size + header(n);
        System.arraycopy(bytes, 0, buffer, at, n);
        size = at + n;
        items++;
    }

    /** An integer element (a Lua number in the script). */
    void integer(long v) {
        ensure(9);
        byte[] b = buffer;
        if (v >= 0 && v < 128) {
            b[size++] = (byte) v;
        } else if (v < 0 && v >= -32) {
            b[size++] = (byte) v;
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            b[size++] = (byte) 0xd2;
            putInt(size, (int) v);
            size += 4;
        } else {
            b[size++] = (byte) 0xd3;
            putInt(size, (int) (v >>> 32));
            putInt(size + 4, (int) v);
            size += 8;
        }
        items++;
    }

    /** The array: a header with the element count, then the elements. */
    byte[] toArray() {
        byte[] out;
        int n = items;
        if (n < 16) {
            out = new byte[1 + size];
            out[0] = (byte) (0x90 | n);
            System.arraycopy(buffer, 0, out, 1, size);
        } else if (n < 65_536) {
            out = new byte[3 + size];
            out[0] = (byte) 0xdc;
            out[1] = (byte) (n >>> 8);
            out[2] = (byte) n;
            System.arraycopy(buffer, 0, out, 3, size);
        } else {
            out = new byte[5 + size];
            out[0] = (byte) 0xdd;
            out[1] = (byte) (n >>> 24);
            out[2] = (byte) (n >>> 16);
            out[3] = (byte) (n >>> 8);
            out[4] = (byte) n;
            System.arraycopy(buffer, 0, out, 5, size);
        }
        return out;
    }

    private static int header(int length) {
        return length < 32 ? 1 : length < 65_536 ? 3 : 5;
    }

    private void writeHeader(int at, int length) {
        byte[] b = buffer;
        if (length < 32) {
            b[at] = (byte) (0xa0 | length);
        } else if (length < 65_536) {
            b[at] = (byte) 0xda;
            b[at + 1] = (byte) (length >>> 8);
            b[at + 2] = (byte) length;
        } else {
            b[at] = (byte) 0xdb;
            putInt(at + 1, length);
        }
    }

    private void putInt(int at, int v) {
        byte[] b = buffer;
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
