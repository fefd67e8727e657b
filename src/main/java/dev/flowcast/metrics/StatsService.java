package dev.flowcast.metrics;

import dev.flowcast.cluster.HazelcastNode;
import dev.flowcast.config.Settings;
import dev.flowcast.delivery.Delivery;
import dev.flowcast.ingest.Ingest;
import dev.flowcast.stage.Stage;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.HdrHistogram.Histogram;

/**
 * The one source of Flowcast's numbers for {@code /api/stats} and the admin console: this member's snapshot,
 * every member's (through {@link ClusterStats}), the cluster's totals, and the last minutes of chart points.
 *
 * <p>A tick every second samples the counter rates, rolls the latency window, publishes this member's snapshot
 * to the cluster map, appends a chart point and brings the server's metrics up to date ({@link MetricsExport}: the
 * hot path only counts in the application, the tick copies the counts out). It starts after the pipeline (observer priority after
 * {@code Lifecycle}'s) and stops before the pipeline drains, removing this member's entry at once.
 *
 * <p>Threading: thread-safe. {@link #view()} and {@link #history()} are called by request threads; the tick runs
 * on the container's scheduled executor, one at a time (fixed delay).
 */
@ApplicationScoped
public class StatsService {

    /** Chart points kept: five minutes at one a second. */
    static final int HISTORY_POINTS = 300;
    static final int TOP_TOPICS = 10;
    private static final Logger LOG = Logger.getLogger(StatsService.class.getName());

    @Inject
    FlowcastMetrics metrics;

    @Inject
    Settings settings;

    @Inject
    Ingest ingest;

    @Inject
    Delivery delivery;

    @Inject
    HazelcastNode hazelcast;

    @Resource
    ManagedScheduledExecutorService scheduler;

    /** MicroProfile Metrics where the server has it; none elsewhere (the WAR serves /metrics itself there). */
    @Inject
    Instance<MetricsExport> exports;

    private final CounterRates rates = new CounterRates();
    private final StatsHistory history = new StatsHistory(HISTORY_POINTS);
    private volatile ClusterStats cluster;
    private ScheduledFuture<?> tick;

    // After Lifecycle.onStart (default priority APPLICATION + 500): Hazelcast and the stages exist by then.
    synchronized void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 900)
            @Initialized(ApplicationScoped.class) Object ignored) {
        if (!hazelcast.isRunning()) {
            return; // the pipeline refused to start; nothing to measure
        }
        cluster = new ClusterStats(hazelcast.instance());
        tick = scheduler.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    // Before Lifecycle.onStop: the map must still be reachable to remove our entry.
    synchronized void stop(@Observes @Priority(Interceptor.Priority.APPLICATION + 100)
            @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
        ClusterStats current = cluster;
        if (current != null && hazelcast.isConnected()) {
            try {
                current.leave();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "could not remove this member's stats entry; its time-to-live will", e);
            }
        }
    }

    /** This member's numbers now. */
    public StatsSnapshot local() {
        return measure().snapshot();
    }

    /** This member, every live member and the totals: the body of {@code /api/stats}. */
    public ClusterView view() {
        return viewWith(measure());
    }

    private ClusterView viewWith(ClusterStats.MemberEntry self) {
        List<StatsSnapshot> members = new ArrayList<>();
        members.add(self.snapshot());
        Histogram merged = new Histogram(2); // auto-resizing: members may send any range
        merged.add(self.latency());
        ClusterStats current = cluster;
        if (current != null && hazelcast.isConnected()) {
            try {
                for (ClusterStats.MemberEntry other : current.others()) {
                    members.add(other.snapshot());
                    merged.add(other.latency());
                }
            } catch (RuntimeException e) {
                // the cluster map is unreachable (e.g. shutting down): show this member alone rather than fail
                LOG.log(Level.FINE, "cluster stats unavailable", e);
            }
        }
        return new ClusterView(self.snapshot(), members, ClusterTotals.of(members, merged));
    }

    /** The last minutes of cluster-wide chart points, oldest first. */
    public List<HistoryPoint> history() {
        return history.points();
    }

    private ClusterStats.MemberEntry measure() {
        long now = System.nanoTime();
        long accepted = metrics.acceptedCount();
        long delivered = metrics.deliveredCount();
        double[] perSecond = rates.perSecond(now, accepted, delivered);
        LatencyRecorder recorder = metrics.recentLatency();
        Histogram recent = recorder.recent(now);
        LatencyStats latency = LatencyStats.of(recent, recorder.recorded());
        List<StageSnapshot> stages = new ArrayList<>(2);
        for (Stage<?> stage : new Stage<?>[] {ingest.stage(), delivery.stage()}) {
            if (stage != null) {
                stages.add(StageSnapshot.of(stage.stats()));
            }
        }
        List<TopicLoad> topics = new ArrayList<>();
        delivery.busiestTopics(TOP_TOPICS).forEach((topic, n) -> topics.add(new TopicLoad(topic, n)));
        ClusterStats current = cluster;
        StatsSnapshot snapshot = new StatsSnapshot(hazelcast.nodeName(), current == null ? "" : current.memberId(),
                System.currentTimeMillis(), hazelcast.memberCount(), delivery.sessions(), delivery.subscriptions(),
                accepted, metrics.rejectedCount(), delivered, metrics.droppedCount(), metrics.gapsCount(),
                metrics.clientsCutCount(), perSecond[0], perSecond[1], latency, stages, topics, store(now));
        return new ClusterStats.MemberEntry(snapshot, recent);
    }

    /** The store's numbers in {@code persistent} mode, else null (no store: nothing to show). */
    private StoreStats store(long now) {
        if (!"persistent".equals(settings.durability())) {
            return null;
        }
        LatencyRecorder writes = metrics.storeWriteLatency();
        return new StoreStats(metrics.storeFailuresCount(), LatencyStats.of(writes.recent(now), writes.recorded()));
    }

    private void tick() {
        try {
            rates.sample(System.nanoTime(), metrics.acceptedCount(), metrics.deliveredCount());
            ClusterStats.MemberEntry self = measure();
            ClusterStats current = cluster;
            if (current != null && hazelcast.isConnected()) {
                current.publish(self.snapshot(), self.latency());
            }
            history.add(HistoryPoint.of(viewWith(self).total()));
        } catch (RuntimeException e) {
            // never let an exception cancel the periodic task silently
            LOG.log(Level.WARNING, "stats tick failed", e);
        }
        try { // apart from the above: a cluster hiccup must not hold back the server's metrics
            for (MetricsExport export : exports) {
                export.sync();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "metrics export failed", e);
        }
    }
}
