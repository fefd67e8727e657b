package dev.flowcast.stage;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Stage latency (offer accepted to handler returned) over a recent window, in HdrHistogram.
 *
 * <p>Two generations of {@link #WINDOW_NANOS} each: records go to the current one; when it is older than the
 * window it becomes the previous one and a cleared histogram takes its place. A snapshot merges both, so it
 * covers the last 5 to 10 seconds: recent enough for a dashboard, long enough for a stable p99.
 *
 * <p>Threading: any thread; every method is {@code synchronized}. Workers record a whole batch per lock, so the
 * lock is taken once per batch, not per item; values are microseconds, clamped to one hour.
 */
final class LatencyWindow {

    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    private Histogram current = newHistogram();
    private Histogram previous = newHistogram();
    private final Histogram merged = newHistogram();
    private long rotatedAt;

    LatencyWindow(long nowNanos) {
        this.rotatedAt = nowNanos;
    }

    private static Histogram newHistogram() {
        return new Histogram(MAX_MICROS, 2);
    }

    synchronized void record(long[] acceptedNanos, int n, long nowNanos) {
        rotate(nowNanos);
        for (int i = 0; i < n; i++) {
            long micros = (nowNanos - acceptedNanos[i]) / 1_000;
            current.recordValue(Math.max(0, Math.min(MAX_MICROS, micros)));
        }
    }

    synchronized LatencySnapshot snapshot(long nowNanos) {
        rotate(nowNanos);
        merged.reset();
        merged.add(previous);
        merged.add(current);
        long count = merged.getTotalCount();
        if (count == 0) {
            return LatencySnapshot.EMPTY;
        }
        return new LatencySnapshot(count, ms(merged.getValueAtPercentile(50)), ms(merged.getValueAtPercentile(90)),
                ms(merged.getValueAtPercentile(99)), ms(merged.getValueAtPercentile(99.9)), ms(merged.getMaxValue()));
    }

    private void rotate(long nowNanos) {
        long age = nowNanos - rotatedAt;
        if (age < WINDOW_NANOS) {
            return;
        }
        Histogram old = previous;
        old.reset();
        if (age >= 2 * WINDOW_NANOS) {
            current.reset(); // idle for two windows: both generations are stale
        }
        previous = current;
        current = old;
        rotatedAt = nowNanos;
    }

    private static double ms(long micros) {
        return micros / 1_000.0;
    }
}
