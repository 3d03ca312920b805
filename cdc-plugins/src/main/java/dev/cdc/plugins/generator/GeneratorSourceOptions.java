package dev.cdc.plugins.generator;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.event.TableId;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of the {@code generator} source. */
public final class GeneratorSourceOptions {

    /** Largest {@code keys}: ids stay well inside int64 arithmetic. */
    public static final long MAX_KEYS = 1_000_000_000L;

    /** Largest {@code payload-bytes}. */
    public static final int MAX_PAYLOAD_BYTES = 1 << 20;

    public static final ConfigOption<List<String>> TABLES = ConfigOption.key("tables").listType()
            .defaultValue(List.of("demo.orders"))
            .check(GeneratorSourceOptions::validTables, "a non-empty list of distinct namespace.table names")
            .description("The tables to generate changes for, as namespace.table. All have the same columns: id "
                    + "(int64, the key), name, status (string), amount (decimal(12,2)), updated_at (timestamp_tz), "
                    + "version (int64: how many times the key was touched) and payload (string). Changes go to "
                    + "the tables in turn.");

    public static final ConfigOption<Double> RATE = ConfigOption.key("rate").doubleType().defaultValue(100.0)
            .check(r -> r >= 0 && !r.isInfinite() && !r.isNaN(), ">= 0")
            .description("Events per second, spread evenly over time (fractions allowed: 0.5 is one event "
                    + "every two seconds); 0 emits as fast as the pipeline takes them. After back-pressure the "
                    + "generator catches up by at most one second's worth of events.");

    public static final ConfigOption<Long> COUNT = ConfigOption.key("count").longType().defaultValue(0L)
            .check(c -> c >= 0, ">= 0")
            .description("How many row changes to generate in all (schema changes not counted); the source "
                    + "then finishes and the pipeline drains and completes. A restarted pipeline only emits the "
                    + "rest. 0: never stop.");

    public static final ConfigOption<Long> KEYS = ConfigOption.key("keys").longType().defaultValue(1000L)
            .check(k -> k >= 0 && k <= MAX_KEYS, "between 0 and " + MAX_KEYS)
            .description("Distinct keys (ids 1..keys) per table. Each round touches every key once in a "
                    + "shuffled order: a key's first touch creates it, later touches update or delete it, and the "
                    + "touch after a delete creates it again. 0: append-only, every change creates a new id.");

    public static final ConfigOption<Long> SEED = ConfigOption.key("seed").longType().defaultValue(42L)
            .description("Seed of the pseudo-random choices. Change n of the stream depends only on the options "
                    + "and n, so a restarted or second generator with the same options emits exactly the same "
                    + "changes (only commit times differ).");

    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOption.key("batch-size").intType()
            .defaultValue(100)
            .check(b -> b >= 1 && b <= 100_000, "between 1 and 100000")
            .description("Most events handed to the pipeline at once; also the size of the synthetic "
                    + "transactions (transaction id gen-<sequence / batch-size>).");

    public static final ConfigOption<Map<String, String>> OPERATIONS = ConfigOption.key("operations").mapType()
            .defaultValue(ordered("update", "3", "delete", "1"))
            .check(GeneratorSourceOptions::validOperations, "a mapping of update and delete to whole weights >= 0, "
                    + "not both 0, such as {update: 3, delete: 1} (creates are not weighted: a key's first touch and "
                    + "the touch after its delete are always creates)")
            .description("How an existing key's touch is chosen: update or delete, in these proportions. Creates "
                    + "follow from consistency (a new or deleted key is created), so in the long run creates about "
                    + "equal deletes: {update: 3, delete: 1} gives about 60% updates, 20% deletes, 20% creates. "
                    + "{update: 1, delete: 0} never deletes.");

    public static final ConfigOption<Integer> PAYLOAD_BYTES = ConfigOption.key("payload-bytes").intType()
            .defaultValue(16)
            .check(p -> p >= 0 && p <= MAX_PAYLOAD_BYTES, "between 0 and " + MAX_PAYLOAD_BYTES)
            .description("Length of the 'payload' column: ASCII letters, so also its size in bytes. Raise it to "
                    + "benchmark with bigger rows.");

    private GeneratorSourceOptions() {
    }

    /** Every option, in the order {@code cdc plugins} prints them. */
    public static List<ConfigOption<?>> all() {
        return List.of(TABLES, RATE, COUNT, KEYS, SEED, BATCH_SIZE, OPERATIONS, PAYLOAD_BYTES);
    }

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    private static boolean validTables(List<String> names) {
        if (names.isEmpty() || new HashSet<>(names).size() != names.size()) {
            return false;
        }
        try {
            names.forEach(TableId::parse);
            return names.stream().noneMatch(n -> n.isBlank() || n.startsWith("."));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean validOperations(Map<String, String> weights) {
        long sum = 0;
        for (Map.Entry<String, String> e : weights.entrySet()) {
            if (!e.getKey().equals("update") && !e.getKey().equals("delete")) {
                return false;
            }
            try {
                int w = Integer.parseInt(e.getValue().trim());
                if (w < 0) {
                    return false;
                }
                sum += w;
            } catch (NumberFormatException ex) {
                return false;
            }
        }
        return sum > 0;
    }
}
