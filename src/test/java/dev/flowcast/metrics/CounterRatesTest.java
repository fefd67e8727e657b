package dev.flowcast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CounterRatesTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    final CounterRates rates = new CounterRates();

    @Test
    void beforeAnySample_ratesAreZero() {
        assertThat(rates.perSecond(SECOND, 100, 100)).containsExactly(0, 0);
    }

    @Test
    void shouldAverageOverTheLastFiveSeconds() {
        // 100 accepted/s and 300 delivered/s for 10 s, then 10 s at 1000/s and 2000/s
        long accepted = 0;
        long delivered = 0;
        for (int t = 0; t <= 20; t++) {
            rates.sample(t * SECOND, accepted, delivered);
            accepted += t < 10 ? 100 : 1000;
            delivered += t < 10 ? 300 : 2000;
        }
        double[] perSecond = rates.perSecond(21 * SECOND, accepted, delivered);
        assertThat(perSecond[0]).isCloseTo(1000, within(0.01));
        assertThat(perSecond[1]).isCloseTo(2000, within(0.01));
    }

    @Test
    void soonAfterStart_shouldAverageOverTheTimeSinceTheFirstSample() {
        rates.sample(0, 0, 0);
        rates.sample(SECOND, 50, 500);
        double[] perSecond = rates.perSecond(2 * SECOND, 100, 1000);
        assertThat(perSecond[0]).isCloseTo(50, within(0.01));
        assertThat(perSecond[1]).isCloseTo(500, within(0.01));
    }

    @Test
    void whenTrafficStops_theRateFallsToZeroWithinTheWindow() {
        for (int t = 0; t <= 10; t++) {
            rates.sample(t * SECOND, t * 100L, t * 100L);
        }
        for (int t = 11; t <= 16; t++) {
            rates.sample(t * SECOND, 1000, 1000);
        }
        assertThat(rates.perSecond(16 * SECOND, 1000, 1000)).containsExactly(0, 0);
    }
}
