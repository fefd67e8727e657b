package dev.flowcast.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowcast.stage.OverflowPolicy;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    final FlowcastMetrics metrics = new FlowcastMetrics();

    private static double sample(String text, String nameAndLabels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " ([0-9.eE+-]+)$").matcher(text);
        assertThat(m.find()).as(nameAndLabels + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countersCarryMicroProfileNames_withTotal_andTheApplicationScope() {
        metrics.accepted(25);
        metrics.rejected(2);
        metrics.gaps(3);
        metrics.clientCut();
        metrics.dropped(OverflowPolicy.DROP_OLDEST);
        metrics.dropped(OverflowPolicy.REJECT); // never discards: not counted

        String text = PrometheusText.render(metrics, 0);

        assertThat(sample(text, "flowcast_events_accepted_total{mp_scope=\"application\"}")).isEqualTo(25);
        assertThat(sample(text, "flowcast_events_rejected_total{mp_scope=\"application\"}")).isEqualTo(2);
        assertThat(sample(text, "flowcast_gaps_total{mp_scope=\"application\"}")).isEqualTo(3);
        assertThat(sample(text, "flowcast_clients_cut_total{mp_scope=\"application\"}")).isEqualTo(1);
        assertThat(sample(text, "flowcast_events_dropped_total{mp_scope=\"application\",policy=\"drop-oldest\"}")).isEqualTo(1);
        assertThat(sample(text, "flowcast_events_dropped_total{mp_scope=\"application\",policy=\"drop-newest\"}")).isZero();
        assertThat(text).contains("# TYPE flowcast_events_accepted_total counter\n");
        assertThat(text.split("# TYPE flowcast_events_dropped_total ", -1)).as("one TYPE line per family").hasSize(2);
    }

    @Test
    void theTimerCountsEveryDelivery_atOnce_withItsSumAndQuantilesInSeconds() {
        DeliveryMeter meter = metrics.deliveryMeter(); // what the socket writers hold
        for (int i = 0; i < 100; i++) {
            meter.delivered(2_000); // 2 ms
        }
        for (int i = 0; i < 50; i++) {
            meter.delivered(4_000); // 4 ms
        }

        String text = PrometheusText.render(metrics, 0);

        assertThat(sample(text, "flowcast_events_delivered_total{mp_scope=\"application\"}")).isEqualTo(150);
        assertThat(sample(text, "flowcast_delivery_latency_seconds_count{mp_scope=\"application\"}")).isEqualTo(150);
        assertThat(sample(text, "flowcast_delivery_latency_seconds_sum{mp_scope=\"application\"}"))
                .isBetween(0.39, 0.41); // 100 x 2 ms + 50 x 4 ms, within HdrHistogram's precision
        assertThat(sample(text, "flowcast_delivery_latency_seconds{mp_scope=\"application\",quantile=\"0.5\"}"))
                .isBetween(0.00199, 0.00201);
        assertThat(sample(text, "flowcast_delivery_latency_seconds_max{mp_scope=\"application\"}"))
                .isBetween(0.0039, 0.0041);
        assertThat(text).contains("# TYPE flowcast_delivery_latency_seconds summary\n");
    }

    @Test
    void theStoreTimerAndFailures_areExportedLikeTheDeliveryTimer_andZeroWithoutAStore() {
        String none = PrometheusText.render(metrics, 0);
        assertThat(sample(none, "flowcast_store_write_latency_seconds_count{mp_scope=\"application\"}")).isZero();
        assertThat(sample(none, "flowcast_store_failures_total{mp_scope=\"application\"}")).isZero();

        metrics.storeWrite(3_000); // 3 ms
        metrics.storeWrite(5_000);
        metrics.storeFailure();
        String text = PrometheusText.render(metrics, 0);

        assertThat(sample(text, "flowcast_store_write_latency_seconds_count{mp_scope=\"application\"}")).isEqualTo(2);
        assertThat(sample(text, "flowcast_store_write_latency_seconds_sum{mp_scope=\"application\"}")).isBetween(0.0079, 0.0081);
        assertThat(sample(text, "flowcast_store_write_latency_seconds_max{mp_scope=\"application\"}")).isBetween(0.0049, 0.0051);
        assertThat(sample(text, "flowcast_store_failures_total{mp_scope=\"application\"}")).isEqualTo(1);
        assertThat(sample(text, "flowcast_delivery_latency_seconds_count{mp_scope=\"application\"}")).as("apart").isZero();
        assertThat(text).contains("# TYPE flowcast_store_write_latency_seconds summary\n");
    }

    @Test
    void gaugesAreReadAtRenderTime_withTheirTags_andAGaugeRegisteredAgainReplacesTheFirst() {
        int[] sessions = {3};
        metrics.gauge(MetricNames.SESSIONS, () -> sessions[0]);
        metrics.gauge(MetricNames.CLUSTER_MEMBERS, () -> 1);
        metrics.gauge(MetricNames.CLUSTER_MEMBERS, () -> 2);
        metrics.gauge(MetricNames.SUBSCRIPTIONS, () -> {
            throw new IllegalStateException("not started");
        });

        sessions[0] = 7;
        String text = PrometheusText.render(metrics, 0);

        assertThat(sample(text, "flowcast_sessions{mp_scope=\"application\"}")).isEqualTo(7);
        assertThat(sample(text, "flowcast_cluster_members{mp_scope=\"application\"}")).isEqualTo(2);
        assertThat(sample(text, "flowcast_subscriptions{mp_scope=\"application\"}")).as("a failing gauge reads 0").isZero();
        assertThat(text.split("flowcast_cluster_members\\{", -1)).hasSize(2);
    }
}
