package dev.flowcast.metrics;

import static dev.flowcast.metrics.StatsJsonTest.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ClusterTotalsTest {

    @Test
    void shouldSumCountersRatesAndStagesOverTheMembers() {
        StatsSnapshot total = ClusterTotals.of(List.of(member("a", 10, 20, 3), member("b", 1, 2, 4)), new Histogram(2));
        assertThat(total.node()).isEqualTo(ClusterTotals.NODE);
        assertThat(total.members()).isEqualTo(2);
        assertThat(total.accepted()).isEqualTo(11);
        assertThat(total.delivered()).isEqualTo(22);
        assertThat(total.sessions()).isEqualTo(6);
        assertThat(total.acceptedPerSecond()).isCloseTo(21.0, within(1e-9));
        assertThat(total.latencyMs().recorded()).isEqualTo(22);
        StageSnapshot fanout = total.stages().get(1);
        assertThat(fanout.name()).isEqualTo("fanout");
        assertThat(fanout.depth()).isEqualTo(7);
        assertThat(fanout.capacity()).isEqualTo(200);
        assertThat(total.topics()).containsExactly(new TopicLoad("public:a", 4), new TopicLoad("public:b", 2));
    }

    @Test
    void latencyPercentiles_comeFromTheMergedHistograms_notFromAveragingPercentiles() {
        Histogram merged = new Histogram(2);
        for (int i = 0; i < 99; i++) {
            merged.recordValue(1_000); // one member: 99 fast deliveries (1 ms)
        }
        merged.recordValue(200_000); // the other: one slow delivery (200 ms)
        StatsSnapshot total = ClusterTotals.of(List.of(member("a", 0, 99, 0), member("b", 0, 1, 0)), merged);
        assertThat(total.latencyMs().count()).isEqualTo(100);
        assertThat(total.latencyMs().p50()).isCloseTo(1.0, within(0.01));
        assertThat(total.latencyMs().max()).isCloseTo(200.0, within(1.0));
    }
}
