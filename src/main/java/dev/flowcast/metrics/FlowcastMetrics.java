package dev.flowcast.metrics;

import dev.flowcast.stage.OverflowPolicy;
import dev.flowcast.stage.Stage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Flowcast's application metrics, kept in the application itself: {@link LongAdder} counters, the delivery
 * latency in HdrHistogram ({@link LatencyRecorder}) and the registered gauges. They feed {@code /api/stats} and the
 * console, and the exporters read them: MicroProfile Metrics where the server has it ({@link MicroProfileExport},
 * synced by the stats tick), else the WAR's own Prometheus endpoint ({@link PrometheusServlet}). Plain Java on
 * purpose: no server API, so the WAR deploys on servers without MicroProfile Metrics.
 *
 * <p>Threading: every method is thread-safe. The hot path (a delivery, once per event per client) is the
 * {@link DeliveryMeter}, which the writers hold directly, past the CDI proxy: one {@code LongAdder} increment and
 * one wait-free HdrHistogram record, nothing else: no MicroProfile call, no allocation. Gauges are registered a few times at start; a gauge registered again under the same name and
 * tags replaces the first, so their number stays bounded by the distinct ids.
 */
@ApplicationScoped
public class FlowcastMetrics {

    /** The policies that discard events, each with its own {@code flowcast.events.dropped} counter. */
    public static final List<OverflowPolicy> DROPPING_POLICIES = List.of(OverflowPolicy.DROP_OLDEST,
            OverflowPolicy.DROP_NEWEST);

    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final LongAdder clientsCut = new LongAdder();
    private final Map<OverflowPolicy, LongAdder> dropped = new EnumMap<>(OverflowPolicy.class);
    private final DeliveryMeter deliveries = new DeliveryMeter();
    private final LatencyRecorder storeWrites = new LatencyRecorder();
    private final LongAdder storeFailures = new LongAdder();
    private final Map<String, MetricGauge> gauges = new ConcurrentHashMap<>();

    public FlowcastMetrics() {
        for (OverflowPolicy policy : DROPPING_POLICIES) {
            dropped.put(policy, new LongAdder());
        }
    }

    public void accepted(int count) {
        accepted.add(count);
    }

    public void rejected(int count) {
        rejected.add(count);
    }

    public void dropped(OverflowPolicy policy) {
        LongAdder counter = dropped.get(policy);
        if (counter != null) {
            counter.increment();
        }
    }

    /**
     * The delivery meter itself. Hot-path callers (once per event per client) take it once and call it directly,
     * not through this bean's client proxy; see {@link DeliveryMeter} for why.
     */
    public DeliveryMeter deliveryMeter() {
        return deliveries;
    }

    /** A store write that succeeded, in microseconds from call to commit ({@link MeteredEventStore}). */
    public void storeWrite(long micros) {
        storeWrites.record(micros);
    }

    /** A store call that failed ({@link MeteredEventStore}). */
    public void storeFailure() {
        storeFailures.increment();
    }

    public void gaps(long count) {
        gaps.add(count);
    }

    public void clientCut() {
        clientsCut.increment();
    }

    /** Depth, capacity and in-flight gauges of a stage, tagged with its name. */
    public void stageGauges(Stage<?> stage) {
        Map<String, String> tag = Map.of(MetricNames.TAG_STAGE, stage.name());
        register(new MetricGauge(MetricNames.QUEUE_DEPTH, tag, () -> stage.stats().depth()));
        register(new MetricGauge(MetricNames.QUEUE_CAPACITY, tag, () -> stage.stats().capacity()));
        register(new MetricGauge(MetricNames.STAGE_INFLIGHT, tag, () -> stage.stats().inFlight()));
    }

    /** A gauge read from {@code supplier} at every scrape. */
    public <T extends Number> void gauge(String name, Supplier<T> supplier) {
        register(new MetricGauge(name, Map.of(), supplier));
    }

    private void register(MetricGauge gauge) {
        gauges.put(gauge.id(), gauge);
    }

    /** The current value of the gauge registered under {@code id} ({@link MetricGauge#id()}); 0 when there is none. */
    double readGauge(String id) {
        MetricGauge gauge = gauges.get(id);
        return gauge == null ? 0 : gauge.read();
    }

    /** Every registered gauge, in no particular order. */
    public List<MetricGauge> gauges() {
        return new ArrayList<>(gauges.values());
    }

    /** Counters as numbers, for the stats snapshot and the exporters. */
    public long acceptedCount() {
        return accepted.sum();
    }

    public long rejectedCount() {
        return rejected.sum();
    }

    public long deliveredCount() {
        return deliveries.count();
    }

    public long gapsCount() {
        return gaps.sum();
    }

    public long droppedCount() {
        long sum = 0;
        for (LongAdder counter : dropped.values()) {
            sum += counter.sum();
        }
        return sum;
    }

    /** Events discarded under {@code policy}; 0 for a policy that never discards. */
    public long droppedCount(OverflowPolicy policy) {
        LongAdder counter = dropped.get(policy);
        return counter == null ? 0 : counter.sum();
    }

    public long clientsCutCount() {
        return clientsCut.sum();
    }

    public long storeFailuresCount() {
        return storeFailures.sum();
    }

    /** Store write latency ({@code persistent} only; empty otherwise), kept like the delivery latency. */
    public LatencyRecorder storeWriteLatency() {
        return storeWrites;
    }

    /** Delivery latency: the recent window for /api/stats, every value once for the exporters. */
    public LatencyRecorder recentLatency() {
        return deliveries.latency();
    }
}
