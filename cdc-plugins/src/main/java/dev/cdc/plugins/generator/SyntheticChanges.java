package dev.cdc.plugins.generator;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generator's stream as a pure function: {@link #eventAt(long, Instant)} gives event
 * {@code n} from the settings and {@code n} alone, whatever was generated before, so a restart
 * at any sequence continues exactly the stream a run without the restart would have produced.
 *
 * <h2>Layout of the stream</h2>
 * <ul>
 *   <li>Sequences {@code 0 .. T-1} (T = number of tables) are the tables' schema changes, in the
 *   order of {@code tables}: every table's schema comes before its first row.</li>
 *   <li>Sequence {@code n >= T} is row change {@code d = n - T}: table {@code d mod T}, that
 *   table's change {@code i = d / T}.</li>
 *   <li>With {@code K} keys, a table's change {@code i} is in round {@code j = i / K}; each round
 *   touches every key once, in an order shuffled per round by an affine permutation
 *   {@code x -> (a x + b) mod K}. So change {@code i} is key {@code k}'s touch number {@code j}.</li>
 *   <li>Touch 0 of a key is a CREATE. A later touch of an existing key is a DELETE with the
 *   probability delete / (update + delete), drawn from a hash of (seed, table, key, touch), else
 *   an UPDATE; the touch after a DELETE is a CREATE. Whether the key exists before a touch is
 *   found by walking back over the preceding run of "delete" draws (short: geometric).</li>
 *   <li>With {@code keys = 0} change {@code i} creates id {@code i + 1}.</li>
 * </ul>
 * A key's row after touch {@code j} is a function of (table, key, j): {@code version = j + 1},
 * {@code updated_at} = 2025-01-01T00:00:00Z plus the sequence of that touch in milliseconds,
 * and the other values drawn from hashes. An UPDATE's and a DELETE's before row is the row
 * after the previous touch, so a consumer applying the stream in order always has the before
 * row it is told about. Positions are {@link Position#ofSequence(long)}; every row change
 * carries the header {@value GeneratorSource#SYNTHETIC_HEADER}{@code =true}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SyntheticChanges {

    /** {@code updated_at} of the change at sequence n is this instant plus n milliseconds. */
    public static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");

    private static final Map<String, String> HEADERS = Map.of(GeneratorSource.SYNTHETIC_HEADER, "true");
    private static final String[] FIRST_NAMES = {"Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances",
        "Grace", "Hedy", "Ivan", "John", "Katherine", "Leslie", "Margaret", "Niklaus", "Radia", "Tim", "Yukihiro"};
    private static final String[] LAST_NAMES = {"Allen", "Backus", "Codd", "Dijkstra", "Engelbart", "Floyd",
        "Gray", "Hopper", "Knuth", "Lamport", "Liskov", "Lovelace", "Perlman", "Ritchie", "Turing", "Wirth"};
    private static final String[] STATUSES = {"new", "paid", "packed", "shipped", "delivered", "returned"};
    private static final char[] PAYLOAD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    // Salts that keep the different draws for one (table, key, touch) independent.
    private static final long NAME_FIRST = 1;
    private static final long NAME_LAST = 2;
    private static final long STATUS = 3;
    private static final long AMOUNT = 4;
    private static final long PAYLOAD = 5;
    private static final long PERMUTATION_A = 6;
    private static final long PERMUTATION_B = 7;
    private static final long DELETE_DRAW = 8;

    private final GeneratorSettings settings;
    private final List<TableSchema> schemas;
    private final int tableCount;
    private final long keys;
    private final double deleteProbability;

    public SyntheticChanges(GeneratorSettings settings) {
        this.settings = settings;
        this.schemas = settings.tables().stream().map(SyntheticChanges::schemaOf).toList();
        this.tableCount = schemas.size();
        this.keys = settings.keys();
        this.deleteProbability = settings.deleteProbability();
    }

    /** The schema every generated table has. */
    public static TableSchema schemaOf(TableId table) {
        return new TableSchema(table, List.of(
                Column.notNull("id", DataType.int64()),
                Column.of("name", DataType.string()),
                Column.of("status", DataType.string()),
                Column.of("amount", DataType.decimal(12, 2)),
                Column.of("updated_at", DataType.timestampTz(3)),
                Column.notNull("version", DataType.int64()),
                Column.of("payload", DataType.string())), List.of("id"));
    }

    public GeneratorSettings settings() {
        return settings;
    }

    /** The sequence of the first row change: the schema changes come before it. */
    public long firstChangeSequence() {
        return tableCount;
    }

    /** The sequence after the last event ({@link Long#MAX_VALUE} when unbounded). */
    public long endSequence() {
        if (settings.count() == 0 || settings.count() > Long.MAX_VALUE - tableCount) {
            return Long.MAX_VALUE;
        }
        return tableCount + settings.count();
    }

    /**
     * Event {@code sequence} of the stream, stamped with {@code commitTime} (the only part that is
     * not a function of the settings and the sequence).
     */
    public StreamEvent eventAt(long sequence, Instant commitTime) {
        if (sequence < 0 || sequence >= endSequence()) {
            throw new IllegalArgumentException("sequence " + sequence + " is outside the stream [0, "
                    + endSequence() + ")");
        }
        if (sequence < tableCount) {
            return SchemaChangeEvent.of(schemas.get((int) sequence), Position.ofSequence(sequence), commitTime);
        }
        long d = sequence - tableCount;
        int t = (int) (d % tableCount);
        long i = d / tableCount;
        TableId table = schemas.get(t).table();
        long key;
        long touch;
        if (keys == 0) {
            key = i;
            touch = 0;
        } else {
            touch = i / keys;
            key = permutation(t, touch).apply(i % keys);
        }
        Operation op = operation(t, key, touch);
        Optional<Row> before = op == Operation.CREATE ? Optional.empty() : Optional.of(row(t, key, touch - 1));
        Optional<Row> after = op == Operation.DELETE ? Optional.empty() : Optional.of(row(t, key, touch));
        return new ChangeEvent(op, table, Row.of("id", key + 1), before, after, commitTime,
                Optional.of("gen-" + sequence / settings.batchSize()), Position.ofSequence(sequence), 0, HEADERS);
    }

    /** The operation of key {@code key}'s touch number {@code touch} in table {@code t}. */
    Operation operation(int t, long key, long touch) {
        if (touch == 0) {
            return Operation.CREATE;
        }
        if (deletedAt(t, key, touch)) {
            return Operation.DELETE;
        }
        return deletedAt(t, key, touch - 1) ? Operation.CREATE : Operation.UPDATE;
    }

    /**
     * Whether touch {@code touch} deletes the key. A touch deletes when its draw says "delete" and
     * the key exists, i.e. the previous touch did not delete. Within a run of "delete" draws the
     * deletes therefore alternate with re-creates, starting with a delete: the touch deletes when
     * the run of "delete" draws that ends at it has odd length.
     */
    private boolean deletedAt(int t, long key, long touch) {
        if (touch == 0 || deleteProbability == 0) {
            return false;
        }
        long run;
        if (deleteProbability == 1) {
            run = touch;
        } else {
            run = 0;
            for (long j = touch; j >= 1 && drawsDelete(t, key, j); j--) {
                run++;
            }
        }
        return run % 2 == 1;
    }

    private boolean drawsDelete(int t, long key, long touch) {
        return unit(hash(t, key, touch, DELETE_DRAW)) < deleteProbability;
    }

    /** The key's row after its touch number {@code touch}. */
    private Row row(int t, long key, long touch) {
        long sequenceOfTouch = sequenceOf(t, key, touch);
        return Row.of(
                "id", key + 1,
                "name", FIRST_NAMES[pick(hash(t, key, 0, NAME_FIRST), FIRST_NAMES.length)] + " "
                        + LAST_NAMES[pick(hash(t, key, 0, NAME_LAST), LAST_NAMES.length)],
                "status", STATUSES[pick(hash(t, key, touch, STATUS), STATUSES.length)],
                "amount", BigDecimal.valueOf(Math.floorMod(hash(t, key, touch, AMOUNT), 10_000_000L), 2),
                "updated_at", EPOCH.plusMillis(sequenceOfTouch),
                "version", touch + 1,
                "payload", payload(hash(t, key, touch, PAYLOAD)));
    }

    /** The sequence at which key {@code key} of table {@code t} gets its touch number {@code touch}. */
    long sequenceOf(int t, long key, long touch) {
        long index = keys == 0 ? key : touch * keys + permutation(t, touch).inverse(key);
        return tableCount + index * tableCount + t;
    }

    private String payload(long seedOfPayload) {
        int length = settings.payloadBytes();
        char[] chars = new char[length];
        long state = seedOfPayload;
        for (int i = 0; i < length; i++) {
            state = mix(state + 0x9E3779B97F4A7C15L);
            chars[i] = PAYLOAD_CHARS[pick(state, PAYLOAD_CHARS.length)];
        }
        return new String(chars);
    }

    /** The order in which round {@code round} of table {@code t} touches the keys. */
    private KeyPermutation permutation(int t, long round) {
        if (keys == 1) {
            return new KeyPermutation(1, 0, 1, 1);
        }
        long a = 1 + Math.floorMod(hash(t, 0, round, PERMUTATION_A), keys - 1);
        while (gcd(a, keys) != 1) {
            a = a % (keys - 1) + 1;
        }
        long b = Math.floorMod(hash(t, 0, round, PERMUTATION_B), keys);
        return new KeyPermutation(a, b, modInverse(a, keys), keys);
    }

    /** {@code x -> (a x + b) mod m}, a bijection of 0..m-1 since gcd(a, m) = 1. */
    private record KeyPermutation(long a, long b, long aInverse, long m) {
        long apply(long x) {
            return (a * x + b) % m;
        }

        long inverse(long y) {
            return Math.floorMod(aInverse * Math.floorMod(y - b, m) % m, m);
        }
    }

    private static long gcd(long x, long y) {
        while (y != 0) {
            long r = x % y;
            x = y;
            y = r;
        }
        return x;
    }

    private static long modInverse(long a, long m) {
        long oldR = a;
        long r = m;
        long oldS = 1;
        long s = 0;
        while (r != 0) {
            long q = oldR / r;
            long tmp = oldR - q * r;
            oldR = r;
            r = tmp;
            tmp = oldS - q * s;
            oldS = s;
            s = tmp;
        }
        return Math.floorMod(oldS, m);
    }

    private long hash(int t, long key, long touch, long salt) {
        long h = mix(settings.seed() ^ 0x5DEECE66DL);
        h = mix(h + t);
        h = mix(h + key);
        h = mix(h + touch);
        return mix(h + salt);
    }

    /** SplitMix64's finaliser: a bijective, well-spread mix of 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int pick(long hash, int n) {
        return (int) Math.floorMod(hash, (long) n);
    }

    private static double unit(long hash) {
        return (hash >>> 11) * 0x1.0p-53;
    }
}
