package dev.flowcast.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One second of the console's charts: the cluster's rates, latency and backlog at {@code atMillis}.
 *
 * <p>Threading: immutable.
 *
 * @param depths queue depth per stage name, summed over the members
 */
public record HistoryPoint(long atMillis, double acceptedPerSecond, double deliveredPerSecond, double p50Ms,
        double p99Ms, Map<String, Long> depths) {

    public HistoryPoint {
        depths = Map.copyOf(depths);
    }

    static HistoryPoint of(StatsSnapshot total) {
        Map<String, Long> depths = new LinkedHashMap<>();
        total.stages().forEach(s -> depths.put(s.name(), s.depth()));
        return new HistoryPoint(total.atMillis(), total.acceptedPerSecond(), total.deliveredPerSecond(),
                total.latencyMs().p50(), total.latencyMs().p99(), depths);
    }
}
