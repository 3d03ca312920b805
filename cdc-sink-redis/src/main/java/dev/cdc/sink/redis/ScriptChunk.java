package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The KEYS and ARGV of one script run: a few header arguments, the groups the events touch
 * (tables or streams; each with one or two keys at the front of KEYS), then each event's keys
 * and arguments. Also remembers the events, in order, so a per-event error of the script can be
 * mapped back. Used by one thread.
 */
final class ScriptChunk {

    private static final byte[][] SMALL = new byte[1024][];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final Map<Object, Integer> groups = new HashMap<>();
    private final List<byte[]> groupKeys = new ArrayList<>();
    private final List<byte[]> secondGroupKeys = new ArrayList<>();
    private final List<byte[]> eventKeys = new ArrayList<>(2 * RedisSink.CHUNK_EVENTS);
    private final List<byte[]> eventArgs = new ArrayList<>(16 * RedisSink.CHUNK_EVENTS);
    private final List<ChangeEvent> events = new ArrayList<>(RedisSink.CHUNK_EVENTS);

    /** The 1-based index of a group, or null when the chunk does not have it yet. */
    Integer groupOf(Object id) {
        return groups.get(id);
    }

    /** The 1-based index of a group, adding it with its key (and second key, or null) when new. */
    int group(Object id, String key, String secondKey) {
        Integer index = groups.get(id);
        if (index == null) {
            index = groups.size() + 1;
            groups.put(id, index);
            groupKeys.add(utf8(key));
            if (secondKey != null) {
                secondGroupKeys.add(utf8(secondKey));
            }
        }
        return index;
    }

    void addEvent(ChangeEvent event) {
        events.add(event);
    }

    void key(byte[] key) {
        eventKeys.add(key);
    }

    void arg(byte[] arg) {
        eventArgs.add(arg);
    }

    void arg(String arg) {
        eventArgs.add(utf8(arg));
    }

    void arg(int n) {
        eventArgs.add(number(n));
    }

    List<ChangeEvent> events() {
        return events;
    }

    int size() {
        return events.size();
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    /** KEYS: the groups' keys, their second keys, then the events' keys. */
    List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>(groupKeys.size() + secondGroupKeys.size() + eventKeys.size());
        keys.addAll(groupKeys);
        keys.addAll(secondGroupKeys);
        keys.addAll(eventKeys);
        return keys;
    }

    /** ARGV: the header, the number of groups, then the events' arguments. */
    List<byte[]> args(byte[]... header) {
        List<byte[]> args = new ArrayList<>(header.length + 1 + eventArgs.size());
        args.addAll(List.of(header));
        args.add(number(groups.size()));
        args.addAll(eventArgs);
        return args;
    }

    /**
     * ARGV for a script that reads the events' arguments with {@code cmsgpack.unpack(ARGV[n])}:
     * the header, the number of groups, then all events' arguments as ONE MessagePack array of
     * strings. Redis then parses one bulk string instead of thousands of small ones, and the
     * script gets the same values in a Lua table (a large share of the server's time per event).
     */
    List<byte[]> packedArgs(byte[]... header) {
        List<byte[]> args = new ArrayList<>(header.length + 2);
        args.addAll(List.of(header));
        args.add(number(groups.size()));
        args.add(msgpackStrings(eventArgs));
        return args;
    }

    /** A MessagePack array of strings (str formats only, which every cmsgpack version reads). */
    static byte[] msgpackStrings(List<byte[]> items) {
        int size = 5;
        for (byte[] b : items) {
            size += 5 + b.length;
        }
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(size);
        int n = items.size();
        if (n < 16) {
            out.put((byte) (0x90 | n));
        } else if (n < 65536) {
            out.put((byte) 0xdc).putShort((short) n);
        } else {
            out.put((byte) 0xdd).putInt(n);
        }
        for (byte[] b : items) {
            int len = b.length;
            if (len < 32) {
                out.put((byte) (0xa0 | len));
            } else if (len < 65536) {
                out.put((byte) 0xda).putShort((short) len);
            } else {
                out.put((byte) 0xdb).putInt(len);
            }
            out.put(b);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] number(long n) {
        return n >= 0 && n < SMALL.length ? SMALL[(int) n] : Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
