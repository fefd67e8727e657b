package dev.flowcast.metrics;

import org.HdrHistogram.Histogram;

/**
 * Delivery latency percentiles of the last few seconds, in milliseconds, as {@code /api/stats} shows them.
 *
 * <p>Threading: immutable.
 *
 * @param count    deliveries the percentiles cover (the recent window)
 * @param recorded deliveries recorded since start: equals the {@code flowcast.events.delivered} counter once
 *                 every delivery in flight has been counted
 */
public record LatencyStats(long count, long recorded, double p50, double p90, double p99, double max) {

    /** Percentiles of {@code recent} (microseconds) and the all-time count. */
    public static LatencyStats of(Histogram recent, long recorded) {
        if (recent.getTotalCount() == 0) {
            return new LatencyStats(0, recorded, 0, 0, 0, 0);
        }
        return new LatencyStats(recent.getTotalCount(), recorded, ms(recent.getValueAtPercentile(50)),
                ms(recent.getValueAtPercentile(90)), ms(recent.getValueAtPercentile(99)),
                ms(recent.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1_000.0;
    }
}
