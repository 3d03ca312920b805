package dev.cdc.core.spec;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Metrics and health settings ({@code metrics:} in YAML).
 *
 * @param port              the port of the Prometheus scrape and health endpoint (launcher only); empty: none
 * @param host              the address it binds to; 127.0.0.1 by default
 * @param lagAlertThreshold lag (commit time to sink ack) above which an alert is raised
 */
public record MetricsSettings(OptionalInt port, String host, Duration lagAlertThreshold) {

    public static final MetricsSettings DEFAULT = new MetricsSettings(OptionalInt.empty(), "127.0.0.1",
            Duration.ofSeconds(60));

    public MetricsSettings {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(lagAlertThreshold, "lagAlertThreshold");
    }
}
