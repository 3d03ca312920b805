package dev.cdc.core.config;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.core.spec.BacklogSettings;
import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.spec.MetricsSettings;
import dev.cdc.core.spec.RetrySettings;
import dev.cdc.schema.compatibility.SchemaPolicy;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The engine's own keys in a pipeline file, as typed options: the top level, a sink entry's
 * engine keys, {@code retry:}, {@code engine:} and {@code metrics:}. They are bound with
 * {@link dev.cdc.api.config.Configuration#of} like plugin options, so their messages read the
 * same, and {@link dev.cdc.core.plugin.PluginCatalog#markdownTable} renders them for the README.
 * Defaults are those of {@link EngineSettings#DEFAULT}, {@link MetricsSettings#DEFAULT} and
 * {@link RetrySettings#DEFAULT}.
 */
public final class PipelineOptions {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final String NAME_RULE = "lower-case letters, digits, '-' and '_', starting with a letter or "
            + "digit ([a-z0-9][a-z0-9-_]*)";
    private static final Pattern TABLE = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)?");
    private static final Pattern EXCEPTION_CLASS = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+");

    // ---- top level --------------------------------------------------------------------------

    public static final ConfigOption<String> PIPELINE = ConfigOption.key("pipeline").stringType().required()
            .check(PipelineOptions::isName, NAME_RULE)
            .description("The pipeline's name, used in metrics, logs and the default state directory.");
    public static final ConfigOption<Object> SOURCE = ConfigOption.key("source").anyType().required()
            .description("The source: `type:` and its options.");
    public static final ConfigOption<Object> FILTERS = ConfigOption.key("filters").anyType().noDefaultValue()
            .description("Filters for every sink, in order: a list of `type:` and options.");
    public static final ConfigOption<Object> TRANSFORMS = ConfigOption.key("transforms").anyType().noDefaultValue()
            .description("Transforms for every sink, in order, after the filters: a list of `type:` and options.");
    public static final ConfigOption<Object> SINKS = ConfigOption.key("sinks").anyType().required()
            .description("One or more sinks, each with a unique `name:`, a `type:` and its options.");
    public static final ConfigOption<Object> CHECKPOINT = ConfigOption.key("checkpoint").anyType().noDefaultValue()
            .description("Where positions are saved; `{type: file, path: ./state/<pipeline>}` when absent.");
    public static final ConfigOption<Object> ENGINE = ConfigOption.key("engine").anyType().noDefaultValue()
            .description("Engine settings.");
    public static final ConfigOption<Object> METRICS = ConfigOption.key("metrics").anyType().noDefaultValue()
            .description("Metrics and health endpoint settings.");

    /** Every top-level key. */
    public static final List<ConfigOption<?>> TOP_LEVEL = List.of(PIPELINE, SOURCE, FILTERS, TRANSFORMS, SINKS,
            CHECKPOINT, ENGINE, METRICS);

    // ---- a sink entry's engine keys (besides type, options, retry, dead-letter, filters, transforms) ----

    public static final ConfigOption<String> SINK_NAME = ConfigOption.key("name").stringType().required()
            .check(PipelineOptions::isName, NAME_RULE)
            .description("The sink's name, unique in the pipeline; used in metrics, logs and dead-letter files.");
    public static final ConfigOption<FailurePolicy> SINK_ON_FAILURE = ConfigOption.key("on-failure")
            .enumType(FailurePolicy.class).defaultValue(FailurePolicy.FAIL)
            .description("What happens to an event the sink rejects (a mapping error, a value it cannot hold) once "
                    + "its retries are spent: `fail` stops the pipeline, `dead-letter` writes it to the `dead-letter:` "
                    + "sink, `skip` counts and logs it. An outage of the target (connection refused, timeout, "
                    + "429/5xx) is never a rejection: it is retried until it ends, and `backlog:` decides what a "
                    + "long one costs.");
    public static final ConfigOption<Integer> SINK_BATCH_SIZE = ConfigOption.key("batch-size").intType()
            .noDefaultValue().check(v -> v >= 1, ">= 1")
            .description("Most events per write to this sink; `engine.batch-size` when absent.");
    public static final ConfigOption<Integer> SINK_QUEUE_CAPACITY = ConfigOption.key("queue-capacity").intType()
            .noDefaultValue().check(v -> v >= 1, ">= 1")
            .description("Most events waiting in this sink's lane; `engine.queue-capacity` when absent.");

    public static final ConfigOption<SchemaPolicy> SINK_SCHEMA_POLICY = ConfigOption.key("schema-policy")
            .enumType(SchemaPolicy.class).defaultValue(SchemaPolicy.DEFAULT)
            .description("What this sink does when a table's schema changes: `evolve` applies every change, "
                    + "`evolve-compatible` applies the compatible ones and stops the pipeline on a breaking one, "
                    + "`ignore` keeps writing without migrating the sink (rows lose the columns the sink does not "
                    + "know), `fail` stops the pipeline at any change with the checkpoint just before it, `manual` "
                    + "holds each change (this sink's lane waits there, the checkpoint stays before it) until "
                    + "`cdc schema approve` applies it or `cdc schema reject` keeps the sink's schema as `ignore` "
                    + "does. `evolve`, `evolve-compatible` and `manual` need a sink that declares schema changes; "
                    + "`manual` needs a file checkpoint.");

    /** The engine keys of a sink entry bound as options (the others are sections of their own). */
    public static final List<ConfigOption<?>> SINK = List.of(SINK_NAME, SINK_ON_FAILURE, SINK_BATCH_SIZE,
            SINK_QUEUE_CAPACITY, SINK_SCHEMA_POLICY);

    // ---- retry: -----------------------------------------------------------------------------

    public static final ConfigOption<Integer> RETRY_MAX_ATTEMPTS = ConfigOption.key("max-attempts").intType()
            .defaultValue(RetrySettings.DEFAULT.maxAttempts()).check(v -> v >= 1, ">= 1")
            .description("Attempts in all, the first included, for a record the sink rejects; 1 means no retry. "
                    + "An outage of the target is retried until it ends, whatever this says.");
    public static final ConfigOption<Duration> RETRY_INITIAL_BACKOFF = ConfigOption.key("initial-backoff")
            .durationType().defaultValue(RetrySettings.DEFAULT.initialBackoff())
            .check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("Wait before the second attempt.");
    public static final ConfigOption<Double> RETRY_MULTIPLIER = ConfigOption.key("multiplier").doubleType()
            .defaultValue(RetrySettings.DEFAULT.multiplier()).check(v -> v >= 1.0, ">= 1")
            .description("Each wait is the previous one times this.");
    public static final ConfigOption<Duration> RETRY_MAX_BACKOFF = ConfigOption.key("max-backoff").durationType()
            .defaultValue(RetrySettings.DEFAULT.maxBackoff()).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("No wait is longer than this.");
    public static final ConfigOption<Double> RETRY_JITTER = ConfigOption.key("jitter").doubleType()
            .defaultValue(RetrySettings.DEFAULT.jitter()).check(v -> v >= 0 && v < 1, "in [0, 1)")
            .description("Each wait is spread randomly by +/- this fraction.");
    public static final ConfigOption<List<String>> RETRY_RETRY_ON = ConfigOption.key("retry-on").listType()
            .defaultValue(RetrySettings.DEFAULT.retryOn())
            .check(PipelineOptions::isRetryOn, "`retriable`, `all` or fully qualified exception class names")
            .description("Which failures are retried: `retriable` (RetriableException and I/O errors), `all`, "
                    + "or exception class names.");

    public static final List<ConfigOption<?>> RETRY = List.of(RETRY_MAX_ATTEMPTS, RETRY_INITIAL_BACKOFF,
            RETRY_MULTIPLIER, RETRY_MAX_BACKOFF, RETRY_JITTER, RETRY_RETRY_ON);

    // ---- backlog: ---------------------------------------------------------------------------

    public static final ConfigOption<Long> BACKLOG_MAX_BYTES = ConfigOption.key("max-bytes").sizeType()
            .defaultValue(BacklogSettings.DEFAULT.maxBytes()).check(v -> v >= 0, ">= 0")
            .description("Most bytes of the sink's on-disk backlog (`512mb`, `2gb`): when its in-memory queue is "
                    + "full, the lane appends what its sink has not taken yet to segment files under "
                    + "`<state>/backlog/<sink>/`, so the source and the other sinks keep their pace. `0` turns "
                    + "spilling off: a full queue makes the source wait. Spilling needs a state directory (the "
                    + "`file` checkpoint store).");
    public static final ConfigOption<Duration> BACKLOG_MAX_AGE = ConfigOption.key("max-age").durationType()
            .noDefaultValue().check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("Oldest the sink's oldest unacknowledged batch may get (`30m`); no limit when absent.");
    public static final ConfigOption<BacklogSettings.WhenFull> BACKLOG_WHEN_FULL = ConfigOption.key("when-full")
            .enumType(BacklogSettings.WhenFull.class).defaultValue(BacklogSettings.DEFAULT.whenFull())
            .description("What happens once `max-bytes` or `max-age` is reached: `pause` makes the source wait "
                    + "(every sink waits; nothing is lost), `detach` takes the sink out of the checkpoint (the "
                    + "others and the source's position move on; it is recorded in `<state>/detached/<sink>.json`, "
                    + "later runs skip it until `cdc reattach`), `fail` stops the pipeline.");

    public static final List<ConfigOption<?>> BACKLOG = List.of(BACKLOG_MAX_BYTES, BACKLOG_MAX_AGE,
            BACKLOG_WHEN_FULL);

    // ---- engine: ----------------------------------------------------------------------------

    public static final ConfigOption<Integer> ENGINE_BATCH_SIZE = ConfigOption.key("batch-size").intType()
            .defaultValue(EngineSettings.DEFAULT.batchSize()).check(v -> v >= 1, ">= 1")
            .description("Most events per sink write, unless the sink sets its own.");
    public static final ConfigOption<Integer> ENGINE_QUEUE_CAPACITY = ConfigOption.key("queue-capacity").intType()
            .defaultValue(EngineSettings.DEFAULT.queueCapacity()).check(v -> v >= 1, ">= 1")
            .description("Most events waiting in each sink lane, unless the sink sets its own.");
    public static final ConfigOption<Duration> ENGINE_CHECKPOINT_INTERVAL = ConfigOption.key("checkpoint-interval")
            .durationType().defaultValue(EngineSettings.DEFAULT.checkpointInterval())
            .check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("How often the acknowledged position is saved and committed to the source.");
    public static final ConfigOption<Duration> ENGINE_SHUTDOWN_TIMEOUT = ConfigOption.key("shutdown-timeout")
            .durationType().defaultValue(EngineSettings.DEFAULT.shutdownTimeout())
            .check(d -> !d.isNegative(), ">= 0")
            .description("How long a graceful stop may drain the lanes before it gives up.");
    public static final ConfigOption<Duration> ENGINE_FLUSH_INTERVAL = ConfigOption.key("flush-interval")
            .durationType().defaultValue(EngineSettings.DEFAULT.flushInterval())
            .check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("How long an idle lane waits for events before it looks again; a lane writes and flushes each batch as soon as it has one, so this does not delay delivery.");

    public static final ConfigOption<String> ENGINE_SIGNAL_TABLE = ConfigOption.key("signal-table").stringType()
            .noDefaultValue().check(PipelineOptions::isTableName, "a table name: schema.table (e.g. public.cdc_signal)")
            .description("A captured table (columns `id`, `type`, `data`) whose inserts ask for backfills, like "
                    + "Debezium's signalling table: type `backfill` with data `{\"table\": \"schema.name\", "
                    + "\"where\": \"SQL\", \"sinks\": [\"es\"]}` (where and sinks optional). Its own events "
                    + "reach no sink. See docs/cdc-backfill.md.");

    public static final List<ConfigOption<?>> ENGINE_SETTINGS = List.of(ENGINE_BATCH_SIZE, ENGINE_QUEUE_CAPACITY,
            ENGINE_CHECKPOINT_INTERVAL, ENGINE_SHUTDOWN_TIMEOUT, ENGINE_FLUSH_INTERVAL, ENGINE_SIGNAL_TABLE);

    // ---- metrics: ---------------------------------------------------------------------------

    public static final ConfigOption<Integer> METRICS_PORT = ConfigOption.key("port").intType().noDefaultValue()
            .check(p -> p >= 1 && p <= 65_535, "a port between 1 and 65535")
            .description("Port of the Prometheus scrape and health endpoint (`cdc run` only); none when absent.");
    public static final ConfigOption<String> METRICS_HOST = ConfigOption.key("host").stringType()
            .defaultValue(MetricsSettings.DEFAULT.host())
            .description("Address the endpoint binds to.");
    public static final ConfigOption<Duration> METRICS_LAG_ALERT_THRESHOLD = ConfigOption.key("lag-alert-threshold")
            .durationType().defaultValue(MetricsSettings.DEFAULT.lagAlertThreshold())
            .check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("Lag (commit time to sink acknowledgement) above which health reports an alert.");

    public static final List<ConfigOption<?>> METRICS_SETTINGS = List.of(METRICS_PORT, METRICS_HOST,
            METRICS_LAG_ALERT_THRESHOLD);

    private PipelineOptions() {
    }

    private static boolean isTableName(String s) {
        return TABLE.matcher(s).matches();
    }

    private static boolean isName(String s) {
        return NAME.matcher(s).matches();
    }

    private static boolean isRetryOn(List<String> values) {
        return values.stream().allMatch(v -> v.equals("retriable") || v.equals("all")
                || EXCEPTION_CLASS.matcher(v).matches());
    }
}
