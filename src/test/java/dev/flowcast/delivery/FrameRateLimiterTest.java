package dev.flowcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowcast.delivery.FrameRateLimiter.Verdict;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameRateLimiterTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void allowsABurstOfAFewSecondsWorth_thenRefuses() {
        FrameRateLimiter limiter = new FrameRateLimiter(10, 0);
        for (int i = 0; i < 30; i++) {
            assertThat(limiter.onFrame(0)).as("frame " + i).isEqualTo(Verdict.ALLOW);
        }
        assertThat(limiter.onFrame(0)).isEqualTo(Verdict.REFUSE);
    }

    @Test
    void aClientAtItsRate_isNeverRefused() {
        FrameRateLimiter limiter = new FrameRateLimiter(10, 0);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.onFrame(i * SECOND / 10)).isEqualTo(Verdict.ALLOW);
        }
    }

    @Test
    void aClientThatKeepsFlooding_isToldToClose() {
        FrameRateLimiter limiter = new FrameRateLimiter(10, 0);
        Verdict last = Verdict.ALLOW;
        int frames = 0;
        while (last != Verdict.CLOSE && frames < 1000) {
            last = limiter.onFrame(0);
            frames++;
        }
        assertThat(last).isEqualTo(Verdict.CLOSE);
        assertThat(frames).isEqualTo(30 + 10 + 1); // the burst, then one second's worth of refusals, then close
    }

    @Test
    void refusalsFade_soAClientThatCalmsDownIsNotClosed() {
        FrameRateLimiter limiter = new FrameRateLimiter(10, 0);
        for (int i = 0; i < 30 + 9; i++) {
            limiter.onFrame(0); // burst spent, then 9 refusals: one short of closing
        }
        long later = 20 * SECOND; // calm for 20 s: tokens back, refusals faded
        for (int i = 0; i < 30; i++) {
            assertThat(limiter.onFrame(later)).isEqualTo(Verdict.ALLOW);
        }
    }

    @Test
    void refusesANonPositiveRate() {
        assertThatThrownBy(() -> new FrameRateLimiter(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
