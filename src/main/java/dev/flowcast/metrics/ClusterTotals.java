package dev.flowcast.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Adds members' snapshots up into the cluster's: counters, rates, sessions and per-stage numbers are summed;
 * latency percentiles come from the members' merged histograms, since percentiles themselves cannot be added.
 *
 * <p>Threading: stateless.
 */
public final class ClusterTotals {

    /** The {@code node} of the totals. */
    public static final String NODE = "cluster";
    static final int TOP_TOPICS = 10;

    private ClusterTotals() {
    }

    /**
     * @param members        one snapshot per member, at least one
     * @param latencyMerged  every member's recent latency histogram (microseconds), merged
     */
    public static StatsSnapshot of(List<StatsSnapshot> members, Histogram latencyMerged) {
        long sessions = 0;
        long subscriptions = 0;
        long accepted = 0;
        long rejected = 0;
        long delivered = 0;
        long dropped = 0;
        long gaps = 0;
        long cut = 0;
        long recorded = 0;
        double acceptedRate = 0;
        double deliveredRate = 0;
        long at = 0;
        Map<String, StageSnapshot> stages = new LinkedHashMap<>();
        Map<String, Long> topics = new LinkedHashMap<>();
        for (StatsSnapshot m : members) {
            sessions += m.sessions();
            subscriptions += m.subscriptions();
            accepted += m.accepted();
            rejected += m.rejected();
            delivered += m.delivered();
            dropped += m.dropped();
            gaps += m.gaps();
            cut += m.clientsCut();
            recorded += m.latencyMs().recorded();
            acceptedRate += m.acceptedPerSecond();
            deliveredRate += m.deliveredPerSecond();
            at = Math.max(at, m.atMillis());
            for (StageSnapshot s : m.stages()) {
                stages.merge(s.name(), s, StageSnapshot::plus);
            }
            for (TopicLoad t : m.topics()) {
                topics.merge(t.topic(), t.subscribers(), Long::sum);
            }
        }
        List<TopicLoad> busiest = new ArrayList<>();
        topics.forEach((topic, n) -> busiest.add(new TopicLoad(topic, n)));
        busiest.sort(Comparator.comparingLong(TopicLoad::subscribers).reversed().thenComparing(TopicLoad::topic));
        return new StatsSnapshot(NODE, "", at, members.size(), sessions, subscriptions, accepted, rejected,
                delivered, dropped, gaps, cut, acceptedRate, deliveredRate, LatencyStats.of(latencyMerged, recorded),
                new ArrayList<>(stages.values()), busiest.subList(0, Math.min(TOP_TOPICS, busiest.size())), null);
    }
}
