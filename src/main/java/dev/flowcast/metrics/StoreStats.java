package dev.flowcast.metrics;

/**
 * A {@code persistent} member's store, as {@code /api/stats} shows it: how its store writes went in the last few
 * seconds and how many store calls have failed since it started (the {@code flowcast.store.write.latency} timer and
 * {@code flowcast.store.failures} counter of {@code /metrics}).
 *
 * <p>Threading: immutable.
 *
 * @param failures store calls that failed since the member started
 * @param writeMs  store write latency, call to commit, successful writes of the last ~5 seconds
 */
public record StoreStats(long failures, LatencyStats writeMs) {
}
