package dev.cdc.core.runtime;

import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.spec.PipelineListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Raises (and clears) lag alerts per sink against {@code metrics.lag-alert-threshold}: logs an
 * {@code ALERT} line, sets {@code cdc.pipeline.lag.alert} and tells the listeners. Checked on the
 * checkpoint timer thread.
 */
final class LagAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(LagAlerts.class);

    private final String pipeline;
    private final Duration threshold;
    private final List<SinkLane> lanes;
    private final List<PipelineListener> listeners;
    private final Map<String, Boolean> alerting = new ConcurrentHashMap<>();
    private final AtomicLong active = new AtomicLong();

    LagAlerts(String pipeline, Duration threshold, List<SinkLane> lanes, List<PipelineListener> listeners,
              PipelineMetrics metrics) {
        this.pipeline = pipeline;
        this.threshold = threshold;
        this.lanes = lanes;
        this.listeners = listeners;
        metrics.gauge("cdc.pipeline.lag.alert", "1 while some sink's lag is above the alert threshold", this,
                a -> a.active.get() > 0 ? 1 : 0);
    }

    /** How many sinks are alerting now. */
    long active() {
        return active.get();
    }

    void check() {
        for (SinkLane lane : lanes) {
            Duration lag = Duration.ofMillis((long) (lane.lagSeconds() * 1000));
            boolean over = lag.compareTo(threshold) > 0;
            Boolean was = alerting.put(lane.name(), over);
            if (over && !Boolean.TRUE.equals(was)) {
                active.incrementAndGet();
                LOG.warn("ALERT pipeline '{}' sink '{}': lag {} s is above the threshold of {} s", pipeline,
                        lane.name(), lag.toSeconds(), threshold.toSeconds());
                listeners.forEach(l -> l.onLagAlert(lane.name(), lag, threshold));
            } else if (!over && Boolean.TRUE.equals(was)) {
                active.decrementAndGet();
                LOG.info("pipeline '{}' sink '{}': lag back to {} s", pipeline, lane.name(), lag.toSeconds());
                listeners.forEach(l -> l.onLagRecovered(lane.name(), lag));
            }
        }
    }
}
