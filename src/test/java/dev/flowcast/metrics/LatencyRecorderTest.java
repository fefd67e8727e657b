package dev.flowcast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    final LatencyRecorder recorder = new LatencyRecorder();

    @Test
    void shouldReportPercentilesOfWhatWasRecorded_inMilliseconds() {
        for (int micros = 1; micros <= 1000; micros++) {
            recorder.record(micros * 10L); // 10 µs .. 10 ms
        }
        LatencyStats stats = LatencyStats.of(recorder.recent(0), recorder.recorded());
        assertThat(stats.count()).isEqualTo(1000);
        assertThat(stats.recorded()).isEqualTo(1000);
        assertThat(stats.p50()).isCloseTo(5.0, within(0.1));
        assertThat(stats.p90()).isCloseTo(9.0, within(0.1));
        assertThat(stats.p99()).isCloseTo(9.9, within(0.1));
        assertThat(stats.max()).isCloseTo(10.0, within(0.1));
    }

    @Test
    void shouldForgetValuesOlderThanTheWindow_butKeepCountingThem() {
        recorder.record(50_000); // 50 ms, at t = 0
        recorder.roll(0);
        for (long t = 1; t <= 6; t++) {
            recorder.record(1_000); // 1 ms each second
            recorder.roll(t * SECOND);
        }
        Histogram recent = recorder.recent(6 * SECOND);
        assertThat(recent.getMaxValue()).as("the 50 ms value left the window").isLessThan(2_000);
        assertThat(recent.getTotalCount()).as("the values of seconds 1 to 6").isEqualTo(6);
        assertThat(recorder.recorded()).isEqualTo(7);
    }

    @Test
    void whenNothingWasRecorded_thenEverythingIsZero() {
        LatencyStats stats = LatencyStats.of(recorder.recent(0), recorder.recorded());
        assertThat(stats).isEqualTo(new LatencyStats(0, 0, 0, 0, 0, 0));
    }

    @Test
    void shouldCountEveryValueRecordedConcurrently() throws InterruptedException {
        Thread[] writers = new Thread[4];
        for (int i = 0; i < writers.length; i++) {
            writers[i] = new Thread(() -> {
                for (int n = 0; n < 50_000; n++) {
                    recorder.record(n % 5_000);
                }
            });
            writers[i].start();
        }
        long now = 0;
        while (java.util.Arrays.stream(writers).anyMatch(Thread::isAlive)) {
            recorder.roll(now += SECOND / 10); // a reader rolling while they write loses nothing
        }
        for (Thread writer : writers) {
            writer.join();
        }
        recorder.roll(now + 1);
        assertThat(recorder.recorded()).isEqualTo(200_000);
    }

    @Test
    void shouldClampNegativeAndHugeValues() {
        recorder.record(-5);
        recorder.record(Long.MAX_VALUE);
        Histogram recent = recorder.recent(0);
        assertThat(recent.getTotalCount()).isEqualTo(2);
        assertThat(recent.getMinValue()).isZero();
    }

    @Test
    void drainUnexported_handsEveryValueToTheExporterExactlyOnce_whateverRollsHappenedBetween() {
        recorder.record(1_000);
        recorder.recent(0); // a request rolls in between
        recorder.record(2_000, 3);
        Histogram first = new Histogram(2);
        recorder.drainUnexported(SECOND, first);
        recorder.record(3_000);
        recorder.roll(2 * SECOND);
        Histogram second = new Histogram(2);
        recorder.drainUnexported(3 * SECOND, second);
        Histogram third = new Histogram(2);
        recorder.drainUnexported(4 * SECOND, third);

        assertThat(first.getTotalCount()).isEqualTo(4);
        assertThat(second.getTotalCount()).isEqualTo(1);
        assertThat(second.getMaxValue()).isBetween(2_990L, 3_010L);
        assertThat(third.getTotalCount()).isZero();
        assertThat(recorder.recorded()).isEqualTo(5);
        assertThat(recorder.recordedSumMicros()).isBetween(9_900.0, 10_100.0);
    }
}
