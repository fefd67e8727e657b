package dev.flowcast.metrics;

import dev.flowcast.stage.OverflowPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Exports {@link FlowcastMetrics} through MicroProfile Metrics (Payara's {@code /metrics}), with the names and types
 * of contract §4: counters, the delivery timer, and gauges read at scrape time; in {@code persistent} mode also the
 * store's write timer and failure counter.
 *
 * <p>The only class that touches the MicroProfile Metrics API. On a server without it (WildFly 39's default
 * configuration) the class cannot be loaded, CDI skips it (Weld logs "not generating any bean definitions ... class
 * loading error"), and {@link PrometheusServlet} serves {@code /metrics} instead.
 *
 * <p>Counters and timers are brought up to date by {@link #sync()}, which the one-second stats tick calls: the
 * counters get the increase since the last sync, each timer one {@code update} per value recorded since then (one
 * {@link Duration} per histogram bucket, not per value). So after a tick the delivery timer's count equals the
 * delivered counter, and the hot path stays free of MicroProfile calls. Threading: {@code sync} is called by the stats tick
 * only (synchronized for safety); gauges are read by the server's scrape threads.
 */
@ApplicationScoped
public class MicroProfileExport implements MetricsExport {

    private static final Logger LOG = Logger.getLogger(MicroProfileExport.class.getName());

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @Inject
    FlowcastMetrics metrics;

    private Counter accepted;
    private Counter rejected;
    private Counter delivered;
    private Counter gaps;
    private Counter clientsCut;
    private Timer latency;
    private Timer storeWrites;
    private Counter storeFailures;
    private final Map<OverflowPolicy, Counter> dropped = new EnumMap<>(OverflowPolicy.class);
    /** What each counter held at the last sync: the next sync adds only the difference. */
    private final Map<Counter, Long> exported = new java.util.HashMap<>();
    private final Set<String> gaugesRegistered = new HashSet<>();
    /** Reused every tick: the deliveries recorded since the last one. */
    private final Histogram sinceLastSync = new Histogram(2);

    @Override
    public synchronized void sync() {
        if (latency == null) {
            register();
        }
        add(accepted, metrics.acceptedCount());
        add(rejected, metrics.rejectedCount());
        add(delivered, metrics.deliveredCount());
        add(gaps, metrics.gapsCount());
        add(clientsCut, metrics.clientsCutCount());
        add(storeFailures, metrics.storeFailuresCount());
        dropped.forEach((policy, counter) -> add(counter, metrics.droppedCount(policy)));
        feedTimer(metrics.recentLatency(), latency);
        feedTimer(metrics.storeWriteLatency(), storeWrites);
        registerNewGauges();
    }

    private void register() {
        accepted = registry.counter(MetricNames.EVENTS_ACCEPTED);
        rejected = registry.counter(MetricNames.EVENTS_REJECTED);
        delivered = registry.counter(MetricNames.EVENTS_DELIVERED);
        gaps = registry.counter(MetricNames.GAPS);
        clientsCut = registry.counter(MetricNames.CLIENTS_CUT);
        storeWrites = registry.timer(MetricNames.STORE_WRITE_LATENCY);
        storeFailures = registry.counter(MetricNames.STORE_FAILURES);
        latency = registry.timer(MetricNames.DELIVERY_LATENCY); // last: sync() registers until it is set
        for (OverflowPolicy policy : FlowcastMetrics.DROPPING_POLICIES) {
            dropped.put(policy, registry.counter(MetricNames.EVENTS_DROPPED,
                    new Tag(MetricNames.TAG_POLICY, policy.settingName())));
        }
        LOG.info("Flowcast's metrics are exported through MicroProfile Metrics (the server's /metrics)");
    }

    private void add(Counter counter, long now) {
        long before = exported.getOrDefault(counter, 0L);
        if (now > before) {
            counter.inc(now - before);
            exported.put(counter, now);
        }
    }

    /** One timer update per value recorded since the last sync, each bucket's value converted once. */
    private void feedTimer(LatencyRecorder recorder, Timer timer) {
        sinceLastSync.reset();
        recorder.drainUnexported(System.nanoTime(), sinceLastSync);
        for (HistogramIterationValue bucket : sinceLastSync.recordedValues()) {
            long micros = sinceLastSync.medianEquivalentValue(bucket.getValueIteratedTo());
            Duration value = Duration.ofNanos(micros * 1_000);
            for (long n = bucket.getCountAtValueIteratedTo(); n > 0; n--) {
                timer.update(value);
            }
        }
    }

    private void registerNewGauges() {
        for (MetricGauge gauge : metrics.gauges()) {
            if (gaugesRegistered.add(gauge.id())) {
                Tag[] tags = gauge.tags().entrySet().stream().map(t -> new Tag(t.getKey(), t.getValue()))
                        .toArray(Tag[]::new);
                String id = gauge.id(); // read through the id: a gauge registered again replaces the first
                registry.gauge(gauge.name(), () -> metrics.readGauge(id), tags);
            }
        }
    }
}
