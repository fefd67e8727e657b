package dev.flowcast.metrics;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Accepted and delivered events per second over the last ~5 seconds, from samples of the two cumulative counters.
 *
 * <p>The stats tick calls {@link #sample} about once a second; a rate is (counter now - counter at the newest
 * sample at least {@link #WINDOW_NANOS} old, or the oldest one kept) / elapsed time. So it covers 5 to 6 seconds
 * in steady use, the same span as the stage rates and the latency percentiles: numbers side by side on the
 * console describe the same moments.
 *
 * <p>Threading: any thread; every method is {@code synchronized} (called a few times a second, never on the hot
 * path).
 */
public final class CounterRates {

    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Enough one-second samples to always hold one a full window old. */
    private static final int KEEP = 8;

    private record Sample(long nanos, long accepted, long delivered) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /** Remembers the counters' values at {@code nowNanos}. */
    public synchronized void sample(long nowNanos, long accepted, long delivered) {
        samples.addLast(new Sample(nowNanos, accepted, delivered));
        while (samples.size() > KEEP) {
            samples.removeFirst();
        }
    }

    /** {acceptedPerSecond, deliveredPerSecond} from the counters' values now; zeros before the first sample. */
    public synchronized double[] perSecond(long nowNanos, long accepted, long delivered) {
        Sample base = null;
        for (var it = samples.descendingIterator(); it.hasNext(); ) { // newest to oldest
            base = it.next();
            if (nowNanos - base.nanos() >= WINDOW_NANOS) {
                break;
            }
        }
        if (base == null || nowNanos - base.nanos() <= 0) {
            return new double[] {0, 0};
        }
        double seconds = (nowNanos - base.nanos()) / 1e9;
        return new double[] {Math.max(0, accepted - base.accepted()) / seconds,
                Math.max(0, delivered - base.delivered()) / seconds};
    }
}
