package dev.cdc.api.spi;

import java.util.function.DoubleSupplier;

/**
 * The metrics a plugin may register, without depending on a metrics library. The engine backs
 * them with Micrometer and adds the tags {@code pipeline} and {@code instance}. Names are
 * dotted lower case ({@code cdc.source.postgres.wal.retained.bytes}).
 */
public interface PluginMetrics {

    /** A counter that only goes up. */
    interface Counter {
        void increment(long amount);

        default void increment() {
            increment(1);
        }
    }

    /** A counter; {@code tags} are alternating names and values. */
    Counter counter(String name, String description, String... tags);

    /** A gauge read from {@code value} whenever the metrics are scraped. */
    void gauge(String name, String description, DoubleSupplier value, String... tags);

    /** Metrics that go nowhere. */
    PluginMetrics NOOP = new PluginMetrics() {
        @Override
        public Counter counter(String name, String description, String... tags) {
            return amount -> { };
        }

        @Override
        public void gauge(String name, String description, DoubleSupplier value, String... tags) {
        }
    };
}
