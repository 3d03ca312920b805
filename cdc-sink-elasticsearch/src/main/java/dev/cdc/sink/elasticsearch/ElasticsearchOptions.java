package dev.cdc.sink.elasticsearch;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.format.KeylessTables;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The options of the {@code elasticsearch} sink. */
public final class ElasticsearchOptions {

    /** How a decimal column is mapped. */
    public enum DecimalMapping {
        /** {@code keyword} (exact: term queries match the exact digits) with a {@code double} sub-field for ranges. */
        KEYWORD,
        /** {@code double} in the index (approximate), the exact digits kept as text in {@code _source}. */
        DOUBLE,
        /**
         * {@code scaled_float} with factor 10^scale (when the column's scale is known), exact text in
         * {@code _source}; needs the mapper-extras module, checked when the sink opens.
         */
        SCALED_FLOAT
    }

    public static final ConfigOption<List<String>> HOSTS = ConfigOption.key("hosts").listType()
            .defaultValue(List.of("http://127.0.0.1:9200"))
            .check(l -> !l.isEmpty() && l.stream().allMatch(h -> h.matches("https?://[^/\\s]+/?")),
                    "a list of URLs such as http://es1:9200, https://es2:9200")
            .description("Elasticsearch nodes to send requests to (round robin; a failed node is retried later).");

    public static final ConfigOption<String> USERNAME = ConfigOption.key("username").stringType().noDefaultValue()
            .description("User for HTTP basic authentication (with 'password').");

    public static final ConfigOption<String> PASSWORD = ConfigOption.key("password").stringType().noDefaultValue()
            .secret().description("Password for HTTP basic authentication; use ${env:NAME} or ${file:/path}.");

    public static final ConfigOption<String> API_KEY = ConfigOption.key("api-key").stringType().noDefaultValue()
            .secret().description("An API key (the base64 'encoded' form), sent as 'Authorization: ApiKey ...';"
                    + " instead of username/password.");

    public static final ConfigOption<String> CA_CERTIFICATE = ConfigOption.key("ca-certificate").stringType()
            .noDefaultValue()
            .description("Path of a PEM file with the CA certificate(s) that signed the cluster's HTTP certificate"
                    + " (for https hosts; the JDK's trust store is used otherwise).");

    public static final ConfigOption<Boolean> INSECURE_TRUST = ConfigOption.key("insecure-trust").booleanType()
            .defaultValue(false)
            .description("Trust any server certificate and host name (https). For tests only: it disables"
                    + " protection against a man in the middle.");

    public static final ConfigOption<String> INDEX = ConfigOption.key("index").stringType().defaultValue("${table}")
            .description("Index (alias) name template: ${table} (namespace.name), ${namespace} (also ${schema}),"
                    + " ${name}, ${commit_date:yyyy.MM} (the event's commit time in UTC), or fixed text. Lower-cased;"
                    + " characters Elasticsearch forbids become '_'.");

    public static final ConfigOption<Map<String, String>> INDEX_SETTINGS = ConfigOption.key("index-settings").mapType()
            .defaultValue(Map.of())
            .description("Settings for indexes the sink creates, e.g. {number_of_replicas: 0, refresh_interval: 5s,"
                    + " gc_deletes: 1h} (the 'index.' prefix is optional). gc_deletes is how long a delete still"
                    + " rejects a late replay of an older row; see docs/cdc-sink-elasticsearch.md.");

    public static final ConfigOption<KeylessTables> KEYLESS_TABLES = KeylessTables.option(
            "indexes each row under", "document", "");

    public static final ConfigOption<DecimalMapping> DECIMAL_MAPPING = ConfigOption.key("decimal-mapping")
            .enumType(DecimalMapping.class).defaultValue(DecimalMapping.KEYWORD)
            .description("Field type of decimal columns. Values are always sent as exact text, so _source keeps"
                    + " every digit: 'keyword' (default: exact, term queries match the exact digits; a 'double'"
                    + " sub-field for approximate ranges), 'double' (approximate), 'scaled-float' (factor 10^scale;"
                    + " needs the cluster's mapper-extras module, checked at start).");

    public static final ConfigOption<Map<String, String>> COLUMN_TYPES = ConfigOption.key("column-types").mapType()
            .defaultValue(Map.of())
            .description("Field type per column, overriding the mapping derived from the logical type: keys are"
                    + " 'column' or 'namespace.table.column', values an Elasticsearch type such as object, flattened,"
                    + " keyword, text, nested. A json column is sent as its exact text (mapped 'text') unless set"
                    + " here to object, flattened or nested, which send it parsed.");

    public static final ConfigOption<Integer> MAX_ACTIONS = ConfigOption.key("max-actions").intType()
            .defaultValue(1000).check(n -> n > 0, "> 0")
            .description("A bulk request is sent once it holds this many actions.");

    public static final ConfigOption<Long> MAX_BYTES = ConfigOption.key("max-bytes").sizeType()
            .defaultValue(5L * 1024 * 1024).check(n -> n > 0, "> 0")
            .description("A bulk request is sent once its body reaches this size.");

    public static final ConfigOption<Duration> FLUSH_INTERVAL = ConfigOption.key("flush-interval").durationType()
            .defaultValue(Duration.ofSeconds(1)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("A partly filled bulk request is sent after this long even before the engine flushes.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT = ConfigOption.key("max-in-flight").intType()
            .defaultValue(2).check(n -> n > 0, "> 0")
            .description("Bulk requests sent concurrently; a full window blocks the writer (back-pressure).");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT = ConfigOption.key("request-timeout").durationType()
            .defaultValue(Duration.ofSeconds(30)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("Longest wait for one response; a timeout is retried by the lane's retry policy.");

    public static final ConfigOption<Integer> VERSION_LOW_BITS = ConfigOption.key("version-low-bits").intType()
            .defaultValue(20).check(n -> n >= 0 && n <= 31, "between 0 and 31")
            .description("For sort keys longer than 16 hex digits: the external version is"
                    + " (first 16 hex digits << bits) | rest, so the first part must stay below 2^(63-bits) and the"
                    + " rest below 2^bits (see docs/cdc-sink-elasticsearch.md).");

    static final List<ConfigOption<?>> ALL = List.of(HOSTS, USERNAME, PASSWORD, API_KEY, CA_CERTIFICATE,
            INSECURE_TRUST, INDEX, INDEX_SETTINGS, KEYLESS_TABLES, DECIMAL_MAPPING, COLUMN_TYPES, MAX_ACTIONS, MAX_BYTES,
            FLUSH_INTERVAL, MAX_IN_FLIGHT, REQUEST_TIMEOUT, VERSION_LOW_BITS);

    private ElasticsearchOptions() {
    }
}
