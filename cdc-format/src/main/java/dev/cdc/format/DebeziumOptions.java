package dev.cdc.format;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.Configuration;
import dev.cdc.format.debezium.DebeziumSettings;

import java.util.List;

/**
 * The options of the {@code debezium} format, with Debezium's own names, values and defaults
 * (pinned: {@value DebeziumSettings#DEBEZIUM_VERSION}), so a connector configuration carries over.
 * Every sink that takes {@link EnvelopeOptions#FORMAT} declares them ({@link EnvelopeOptions#all()});
 * they have no effect with {@code format: cdc}. See docs/envelope.md.
 */
public final class DebeziumOptions {

    public static final ConfigOption<String> DECIMAL_HANDLING_MODE = ConfigOption.key("decimal.handling.mode")
            .enumType("precise", "string", "double").defaultValue("precise")
            .description("debezium format: decimals (and PostgreSQL money) as Debezium writes them: 'precise'"
                    + " (Base64 of the unscaled value; PostgreSQL numeric without a scale as {scale, value}),"
                    + " 'string' (the exact digits) or 'double'.");

    public static final ConfigOption<String> TIME_PRECISION_MODE = ConfigOption.key("time.precision.mode")
            .enumType("adaptive", "adaptive_time_microseconds", "connect").noDefaultValue()
            .description("debezium format: the connector's time.precision.mode; unset means its default"
                    + " (PostgreSQL: adaptive, MySQL/MariaDB: adaptive_time_microseconds).");

    public static final ConfigOption<String> BINARY_HANDLING_MODE = ConfigOption.key("binary.handling.mode")
            .enumType("bytes", "base64", "base64-url-safe", "hex").defaultValue("bytes")
            .description("debezium format: binary columns as 'bytes' (Base64 in JSON), 'base64',"
                    + " 'base64-url-safe' or 'hex' strings.");

    public static final ConfigOption<String> BIGINT_UNSIGNED_HANDLING_MODE = ConfigOption
            .key("bigint.unsigned.handling.mode").enumType("long", "precise").defaultValue("long")
            .description("debezium format, MySQL/MariaDB: BIGINT UNSIGNED as 'long' (Debezium's default: values"
                    + " above 2^63-1 wrap to negative numbers) or 'precise' (an exact decimal).");

    public static final ConfigOption<String> INTERVAL_HANDLING_MODE = ConfigOption.key("interval.handling.mode")
            .enumType("numeric", "string").defaultValue("numeric")
            .description("debezium format, PostgreSQL: interval as 'numeric' (microseconds, a month counted as"
                    + " 30.4375 days) or 'string' (ISO-8601 P1Y2M3DT4H5M6.78S).");

    public static final ConfigOption<String> HSTORE_HANDLING_MODE = ConfigOption.key("hstore.handling.mode")
            .enumType("json", "map").defaultValue("json")
            .description("debezium format, PostgreSQL: hstore as a 'json' string or a 'map'.");

    public static final ConfigOption<Integer> MONEY_FRACTION_DIGITS = ConfigOption.key("money.fraction.digits")
            .intType().defaultValue(2).check(n -> n >= 0 && n <= 18, "between 0 and 18")
            .description("debezium format, PostgreSQL: the scale money values are written with.");

    public static final ConfigOption<Boolean> TOMBSTONES_ON_DELETE = ConfigOption.key("tombstones.on.delete")
            .booleanType().defaultValue(true)
            .description("debezium format: a delete is followed by a tombstone (the key with a null value).");

    public static final ConfigOption<List<String>> SKIPPED_OPERATIONS = ConfigOption.key("skipped.operations")
            .listType().defaultValue(List.of("t"))
            .check(l -> l.stream().allMatch(o -> o.equals("c") || o.equals("u") || o.equals("d") || o.equals("t")
                    || o.equals("none")), "a list of c, u, d, t, or none")
            .description("debezium format: operations not written, as Debezium's skipped.operations (default t:"
                    + " truncates are skipped; none writes them).");

    public static final ConfigOption<Boolean> SCHEMAS_ENABLE = ConfigOption.key("schemas.enable").booleanType()
            .defaultValue(false)
            .description("debezium format: write each key and value as Kafka Connect's JsonConverter does with"
                    + " schemas.enable=true ({\"schema\": ..., \"payload\": ...}); false (the default here) writes the"
                    + " payload alone.");

    public static final ConfigOption<String> TOPIC_PREFIX = ConfigOption.key("topic.prefix").stringType()
            .noDefaultValue()
            .description("debezium format: the connector's topic.prefix: source.name, the topics"
                    + " (<prefix>.<schema>.<table>) and the schema names; default the pipeline's name.");

    public static final ConfigOption<Boolean> INCLUDE_UNKNOWN_DATATYPES = ConfigOption
            .key("include.unknown.datatypes").booleanType().defaultValue(false)
            .description("debezium format: columns of types Debezium has no mapping for (PostgreSQL tsvector,"
                    + " ...) are left out, as Debezium does; true writes their text as bytes.");

    public static final ConfigOption<String> UNAVAILABLE_VALUE_PLACEHOLDER = ConfigOption
            .key("unavailable.value.placeholder").stringType().defaultValue("__debezium_unavailable_value")
            .description("debezium format: what an unchanged TOAST column is written as (bytes and arrays in"
                    + " their own form, as Debezium does).");

    static final List<ConfigOption<?>> ALL = List.of(DECIMAL_HANDLING_MODE, TIME_PRECISION_MODE, BINARY_HANDLING_MODE,
            BIGINT_UNSIGNED_HANDLING_MODE, INTERVAL_HANDLING_MODE, HSTORE_HANDLING_MODE, MONEY_FRACTION_DIGITS,
            TOMBSTONES_ON_DELETE, SKIPPED_OPERATIONS, SCHEMAS_ENABLE, TOPIC_PREFIX, INCLUDE_UNKNOWN_DATATYPES,
            UNAVAILABLE_VALUE_PLACEHOLDER);

    private DebeziumOptions() {
    }

    /** Every option of the debezium format, in the order {@code cdc plugins} prints them. */
    public static List<ConfigOption<?>> all() {
        return ALL;
    }

    /** The settings these options give, for a pipeline (the default topic prefix). */
    public static DebeziumSettings settings(Configuration o, String pipelineName) {
        return new DebeziumSettings(o.get(DECIMAL_HANDLING_MODE), o.getOptional(TIME_PRECISION_MODE),
                o.get(BINARY_HANDLING_MODE), o.get(BIGINT_UNSIGNED_HANDLING_MODE), o.get(INTERVAL_HANDLING_MODE),
                o.get(HSTORE_HANDLING_MODE), o.get(MONEY_FRACTION_DIGITS), o.get(TOMBSTONES_ON_DELETE),
                o.get(SKIPPED_OPERATIONS), o.get(SCHEMAS_ENABLE), o.getOptional(TOPIC_PREFIX).orElse(pipelineName),
                o.get(INCLUDE_UNKNOWN_DATATYPES), o.get(UNAVAILABLE_VALUE_PLACEHOLDER));
    }
}
