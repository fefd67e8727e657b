package dev.flowcast.stage;

import java.util.concurrent.TimeUnit;

/**
 * In/out rates over the last ~{@link #WINDOW_SECONDS} seconds, from samples of the cumulative counters.
 *
 * <p>Samples (time, in, out) are kept at least a second apart in a small ring, taken by workers after a batch
 * and by {@link Stage#stats()} whenever one is due. A rate is (counter now - counter at the newest sample that
 * is at least a window old, or the oldest one kept) / elapsed: so it covers 5 to 6 seconds in steady use; after
 * an idle spell with no samples it averages over the idle time (the rate decays instead of freezing).
 *
 * <p>Threading: any thread. {@link #due} is a lock-free volatile check so that the hot path pays nothing
 * between samples; {@link #sample} and {@link #rates} are {@code synchronized}.
 */
final class RateWindow {

    static final int WINDOW_SECONDS = 5;
    private static final long SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
    private static final int SLOTS = WINDOW_SECONDS + 2;

    private final long[] at = new long[SLOTS];
    private final long[] ins = new long[SLOTS];
    private final long[] outs = new long[SLOTS];
    private int newest = -1;
    private int count;
    private volatile long nextSampleAt;

    RateWindow(long nowNanos) {
        sample(nowNanos, 0, 0);
    }

    boolean due(long nowNanos) {
        return nowNanos - nextSampleAt >= 0;
    }

    synchronized void sample(long nowNanos, long in, long out) {
        if (count > 0 && nowNanos - at[newest] < SPACING_NANOS) {
            return;
        }
        newest = (newest + 1) % SLOTS;
        at[newest] = nowNanos;
        ins[newest] = in;
        outs[newest] = out;
        count = Math.min(count + 1, SLOTS);
        nextSampleAt = nowNanos + SPACING_NANOS;
    }

    /** {inPerSecond, outPerSecond}. */
    synchronized double[] rates(long nowNanos, long in, long out) {
        sample(nowNanos, in, out);
        int pick = newest;
        for (int i = 0; i < count; i++) { // newest to oldest: stop at the first sample a full window old
            pick = Math.floorMod(newest - i, SLOTS);
            if (nowNanos - at[pick] >= WINDOW_NANOS) {
                break;
            }
        }
        long elapsed = nowNanos - at[pick];
        if (elapsed <= 0) {
            return new double[] {0, 0};
        }
        double seconds = elapsed / 1e9;
        return new double[] {(in - ins[pick]) / seconds, (out - outs[pick]) / seconds};
    }
}
