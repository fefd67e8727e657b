package dev.flowcast.metrics;

import dev.flowcast.stage.OverflowPolicy;
import dev.flowcast.stage.Stage;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Flowcast's application metrics on MicroProfile Metrics (served at {@code /metrics}).
 *
 * <p>Counters and the delivery timer are created once at start; gauges are registered by whoever owns the
 * value ({@link #stageGauges}, {@link #gauge}). Threading: every method is thread-safe; the hot-path ones
 * ({@link #delivered}) do one counter increment, one timer update and one wait-free histogram record.
 */
@ApplicationScoped
public class FlowcastMetrics {

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    private Counter accepted;
    private Counter rejected;
    private Counter delivered;
    private Counter gaps;
    private Counter clientsCut;
    private Timer latency;
    private final Map<OverflowPolicy, Counter> dropped = new EnumMap<>(OverflowPolicy.class);
    /** The recent-latency view for /api/stats and the console, fed beside the timer. */
    private final LatencyRecorder recentLatency = new LatencyRecorder();

    @PostConstruct
    void register() {
        accepted = registry.counter(MetricNames.EVENTS_ACCEPTED);
        rejected = registry.counter(MetricNames.EVENTS_REJECTED);
        delivered = registry.counter(MetricNames.EVENTS_DELIVERED);
        gaps = registry.counter(MetricNames.GAPS);
        clientsCut = registry.counter(MetricNames.CLIENTS_CUT);
        latency = registry.timer(MetricNames.DELIVERY_LATENCY);
        for (OverflowPolicy policy : new OverflowPolicy[] {OverflowPolicy.DROP_OLDEST, OverflowPolicy.DROP_NEWEST}) {
            dropped.put(policy, registry.counter(MetricNames.EVENTS_DROPPED, new Tag(MetricNames.TAG_POLICY, policy.settingName())));
        }
    }

    public void accepted(int count) {
        accepted.inc(count);
    }

    public void rejected(int count) {
        rejected.inc(count);
    }

    public void dropped(OverflowPolicy policy) {
        Counter counter = dropped.get(policy);
        if (counter != null) {
            counter.inc();
        }
    }

    /** One event written to one client, {@code latencyMicros} after it was accepted. */
    public void delivered(long latencyMicros) {
        delivered.inc();
        latency.update(Duration.ofNanos(Math.max(0, latencyMicros) * 1_000));
        recentLatency.record(latencyMicros);
    }

    public void gaps(long count) {
        gaps.inc(count);
    }

    public void clientCut() {
        clientsCut.inc();
    }

    /** Depth, capacity and in-flight gauges of a stage, tagged with its name. */
    public void stageGauges(Stage<?> stage) {
        Tag tag = new Tag(MetricNames.TAG_STAGE, stage.name());
        registry.gauge(MetricNames.QUEUE_DEPTH, stage, s -> s.stats().depth(), tag);
        registry.gauge(MetricNames.QUEUE_CAPACITY, stage, s -> s.stats().capacity(), tag);
        registry.gauge(MetricNames.STAGE_INFLIGHT, stage, s -> s.stats().inFlight(), tag);
    }

    /** A gauge read from {@code supplier} at every scrape. */
    public <T extends Number> void gauge(String name, Supplier<T> supplier) {
        registry.gauge(name, supplier);
    }

    /** Counters as numbers, for the stats snapshot. */
    public long acceptedCount() {
        return accepted.getCount();
    }

    public long rejectedCount() {
        return rejected.getCount();
    }

    public long deliveredCount() {
        return delivered.getCount();
    }

    public long gapsCount() {
        return gaps.getCount();
    }

    public long droppedCount() {
        return dropped.values().stream().mapToLong(Counter::getCount).sum();
    }

    public long clientsCutCount() {
        return clientsCut.getCount();
    }

    /** Delivery latency of the last few seconds (HdrHistogram), recorded with every timer update. */
    public LatencyRecorder recentLatency() {
        return recentLatency;
    }
}
