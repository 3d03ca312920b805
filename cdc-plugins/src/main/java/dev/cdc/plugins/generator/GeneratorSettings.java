package dev.cdc.plugins.generator;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.TableId;

import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The generator's validated settings; see {@link GeneratorSourceOptions} for their meaning.
 *
 * @param tables       the tables, in turn
 * @param rate         events per second, 0 for unpaced
 * @param count        row changes in all, 0 for unbounded
 * @param keys         distinct keys per table, 0 for append-only
 * @param seed         seed of the pseudo-random choices
 * @param batchSize    most events per emit, and events per synthetic transaction
 * @param updateWeight weight of an update among an existing key's touches
 * @param deleteWeight weight of a delete among an existing key's touches
 * @param payloadBytes length of the payload column
 */
public record GeneratorSettings(List<TableId> tables, double rate, long count, long keys, long seed, int batchSize,
                                int updateWeight, int deleteWeight, int payloadBytes) {

    public GeneratorSettings {
        tables = List.copyOf(tables);
        require(!tables.isEmpty() && new HashSet<>(tables).size() == tables.size(), "tables must be a non-empty list of distinct tables");
        require(rate >= 0 && Double.isFinite(rate), "rate was " + rate + " but it must be >= 0");
        require(count >= 0, "count was " + count + " but it must be >= 0");
        require(keys >= 0 && keys <= GeneratorSourceOptions.MAX_KEYS,
                "keys was " + keys + " but it must be between 0 and " + GeneratorSourceOptions.MAX_KEYS);
        require(batchSize >= 1, "batch-size was " + batchSize + " but it must be >= 1");
        require(updateWeight >= 0 && deleteWeight >= 0 && updateWeight + deleteWeight > 0,
                "operation weights were update " + updateWeight + ", delete " + deleteWeight
                        + " but they must be >= 0 and not both 0");
        require(payloadBytes >= 0 && payloadBytes <= GeneratorSourceOptions.MAX_PAYLOAD_BYTES,
                "payload-bytes was " + payloadBytes + " but it must be between 0 and "
                        + GeneratorSourceOptions.MAX_PAYLOAD_BYTES);
    }

    /** Settings from validated options. */
    public static GeneratorSettings from(Configuration options) {
        Map<String, String> ops = options.get(GeneratorSourceOptions.OPERATIONS);
        return new GeneratorSettings(
                options.get(GeneratorSourceOptions.TABLES).stream().map(TableId::parse).toList(),
                options.get(GeneratorSourceOptions.RATE),
                options.get(GeneratorSourceOptions.COUNT),
                options.get(GeneratorSourceOptions.KEYS),
                options.get(GeneratorSourceOptions.SEED),
                options.get(GeneratorSourceOptions.BATCH_SIZE),
                Integer.parseInt(ops.getOrDefault("update", "0").trim()),
                Integer.parseInt(ops.getOrDefault("delete", "0").trim()),
                options.get(GeneratorSourceOptions.PAYLOAD_BYTES));
    }

    /** Settings from raw option values, validated as YAML would be; unset options take their defaults. */
    public static GeneratorSettings of(Map<String, ?> rawOptions) {
        return from(Configuration.of(GeneratorSourceOptions.all(), rawOptions));
    }

    /** The probability that an existing key's touch deletes it. */
    double deleteProbability() {
        return (double) deleteWeight / (updateWeight + deleteWeight);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
