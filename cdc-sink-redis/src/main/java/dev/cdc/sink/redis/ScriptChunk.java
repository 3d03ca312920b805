package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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
    private final Map<Object, Integer> shapes = new HashMap<>();
    /** Only used by packed scripts, made on first use. */
    private MsgPackWriter shapeArgs;
    private MsgPackWriter packed;

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
        return events.isEmpty() && eventArgs.isEmpty();
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
     * ARGV for a script that reads the events' arguments with {@code cmsgpack.unpack}: the
     * header, the number of groups, the shapes, then the events, each one MessagePack array (see
     * {@link #shape} and {@link #packed}).
     */
    List<byte[]> packedArgs(byte[]... header) {
        List<byte[]> args = new ArrayList<>(header.length + 3);
        args.addAll(List.of(header));
        args.add(number(groups.size()));
        args.add(shapeArgs == null ? new byte[]{(byte) 0x90} : shapeArgs.toArray());
        args.add(packed().toArray());
        return args;
    }

    /**
     * The 1-based index of a shape (what is the same for many events, e.g. a table's column
     * names), writing its definition to the shapes array when new.
     */
    int shape(Object id, Consumer<MsgPackWriter> definition) {
        Integer index = shapes.get(id);
        if (index == null) {
            index = shapes.size() + 1;
            shapes.put(id, index);
            if (shapeArgs == null) {
                shapeArgs = new MsgPackWriter(256);
            }
            definition.accept(shapeArgs);
        }
        return index;
    }

    /** The events' arguments of a packed script, written in place. */
    MsgPackWriter packed() {
        if (packed == null) {
            packed = new MsgPackWriter(128 * RedisSink.CHUNK_EVENTS);
        }
        return packed;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] number(long n) {
        return n >= 0 && n < SMALL.length ? SMALL[(int) n] : Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
