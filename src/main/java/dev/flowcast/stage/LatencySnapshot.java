package dev.flowcast.stage;

/**
 * Percentiles of stage latency (offer accepted to handler returned), in milliseconds, over a recent window.
 *
 * <p>Threading: immutable.
 *
 * @param count number of items the percentiles are computed over
 */
public record LatencySnapshot(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs) {

    /** No item measured. */
    public static final LatencySnapshot EMPTY = new LatencySnapshot(0, 0, 0, 0, 0, 0);
}
