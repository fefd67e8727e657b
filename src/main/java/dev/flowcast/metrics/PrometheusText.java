package dev.flowcast.metrics;

import dev.flowcast.stage.OverflowPolicy;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Flowcast's metrics in the Prometheus text format, shaped like Payara's MicroProfile Metrics output: the same
 * names (dots become {@code _}, counters get {@code _total}, the timers are summaries in seconds with
 * {@code _count}, {@code _sum} and {@code _max}) and the same {@code mp_scope="application"} tag, so dashboards and
 * alerts work unchanged on a server without MicroProfile Metrics.
 *
 * <p>Counters, the timers' counts and sums are exact at the time of the call (all-time); their quantiles and max cover
 * the recent window (5 to 6 s) of {@link LatencyRecorder}. Threading: stateless; reads thread-safe metrics.
 */
public final class PrometheusText {

    /** The media type of the Prometheus text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};
    private static final String SCOPE = "mp_scope=\"application\"";

    private PrometheusText() {
    }

    /** Every metric of {@code metrics} now. */
    public static String render(FlowcastMetrics metrics, long nowNanos) {
        StringBuilder out = new StringBuilder(4096);
        counter(out, MetricNames.EVENTS_ACCEPTED, metrics.acceptedCount());
        counter(out, MetricNames.EVENTS_REJECTED, metrics.rejectedCount());
        counter(out, MetricNames.EVENTS_DELIVERED, metrics.deliveredCount());
        String dropped = type(out, name(MetricNames.EVENTS_DROPPED) + "_total", "counter");
        for (OverflowPolicy policy : FlowcastMetrics.DROPPING_POLICIES) {
            sample(out, dropped, labels(Map.of(MetricNames.TAG_POLICY, policy.settingName()), null),
                    metrics.droppedCount(policy));
        }
        counter(out, MetricNames.GAPS, metrics.gapsCount());
        counter(out, MetricNames.CLIENTS_CUT, metrics.clientsCutCount());
        timer(out, MetricNames.DELIVERY_LATENCY, metrics.recentLatency(), nowNanos);
        timer(out, MetricNames.STORE_WRITE_LATENCY, metrics.storeWriteLatency(), nowNanos);
        counter(out, MetricNames.STORE_FAILURES, metrics.storeFailuresCount());
        List<MetricGauge> gauges = metrics.gauges();
        gauges.sort(Comparator.comparing(MetricGauge::name).thenComparing(MetricGauge::id));
        String typed = null;
        for (MetricGauge gauge : gauges) {
            String name = name(gauge.name());
            if (!name.equals(typed)) { // one TYPE line per metric family, before its first sample
                typed = type(out, name, "gauge");
            }
            sample(out, name, labels(gauge.tags(), null), gauge.read());
        }
        return out.toString();
    }

    private static void counter(StringBuilder out, String metric, long value) {
        String name = type(out, name(metric) + "_total", "counter");
        sample(out, name, labels(Map.of(), null), value);
    }

    /** Writes the TYPE line of a metric family; returns its name. */
    private static String type(StringBuilder out, String name, String type) {
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return name;
    }

    private static void timer(StringBuilder out, String metric, LatencyRecorder latency, long nowNanos) {
        Histogram recent = latency.recent(nowNanos); // rolls first: count and sum below include everything so far
        String name = type(out, name(metric) + "_seconds", "summary");
        for (double q : QUANTILES) {
            double seconds = recent.getTotalCount() == 0 ? 0 : recent.getValueAtPercentile(q * 100) / 1e6;
            sample(out, name, labels(Map.of(), String.valueOf(q)), seconds);
        }
        sample(out, name + "_count", labels(Map.of(), null), latency.recorded());
        sample(out, name + "_sum", labels(Map.of(), null), latency.recordedSumMicros() / 1e6);
        sample(out, type(out, name + "_max", "gauge"), labels(Map.of(), null), recent.getTotalCount() == 0 ? 0 : recent.getMaxValue() / 1e6);
    }

    /** {@code flowcast.events.accepted} becomes {@code flowcast_events_accepted}. */
    static String name(String metricName) {
        return metricName.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    private static String labels(Map<String, String> tags, String quantile) {
        StringBuilder labels = new StringBuilder("{").append(SCOPE);
        new TreeMap<>(tags).forEach((k, v) -> labels.append(',').append(name(k)).append("=\"").append(escape(v))
                .append('"'));
        if (quantile != null) {
            labels.append(",quantile=\"").append(quantile).append('"');
        }
        return labels.append('}').toString();
    }

    /** Label values escape backslash, double quote and newline (the format's only special characters there). */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append(labels).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(String.format(Locale.ROOT, "%s", value));
        }
        out.append('\n');
    }
}
