package dev.flowcast.metrics;

import java.util.List;

/**
 * One member's numbers at one moment, or (with {@code node = "cluster"}) the whole cluster's: the object of
 * contract §4 that {@code /api/stats}, the cluster map and the console share.
 *
 * <p>Threading: immutable. Counters are since the member started; rates and latency cover the last ~5 seconds.
 *
 * @param node      this member's Hazelcast address, or {@code cluster} for the totals
 * @param memberId  the Hazelcast member UUID (the key in the cluster stats map); empty for the totals
 * @param atMillis  when it was taken, epoch milliseconds
 * @param members   cluster members as this member sees them (totals: members that published stats)
 * @param topics    the most-subscribed topics on this member (totals: over the cluster), busiest first
 * @param store     this member's store in {@code persistent} mode; null in the other modes and in the totals (each
 *                  member writes its own statements: their latencies are read per member)
 */
public record StatsSnapshot(String node, String memberId, long atMillis, int members, long sessions,
        long subscriptions, long accepted, long rejected, long delivered, long dropped, long gaps, long clientsCut,
        double acceptedPerSecond, double deliveredPerSecond, LatencyStats latencyMs, List<StageSnapshot> stages,
        List<TopicLoad> topics, StoreStats store) {

    public StatsSnapshot {
        stages = List.copyOf(stages);
        topics = List.copyOf(topics);
    }
}
