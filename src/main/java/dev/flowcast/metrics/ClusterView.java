package dev.flowcast.metrics;

import java.util.List;

/**
 * What {@code /api/stats} answers: this member's snapshot, one per live member (this one included), and the
 * cluster's totals.
 *
 * <p>Threading: immutable. Other members' snapshots are up to about a second old (they publish every second).
 */
public record ClusterView(StatsSnapshot local, List<StatsSnapshot> members, StatsSnapshot total) {

    public ClusterView {
        members = List.copyOf(members);
    }
}
