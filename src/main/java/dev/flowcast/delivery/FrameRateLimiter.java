package dev.flowcast.delivery;

/**
 * How many frames one connection may send: {@code flowcast.client.max-frames-per-second}, averaged over a few
 * seconds (a token bucket holding {@link #BURST_SECONDS} seconds' worth), and when a connection that keeps going
 * past it must be closed.
 *
 * <p>Each refused frame adds a strike; strikes fade at a tenth of the rate per second. A connection whose strikes
 * pass one second's worth of frames (e.g. sending 1.5× its budget for about 2.5 s, or 10× for a bit over a
 * second) has kept on after being told: it is closed with 1008. Honest clients that burst now and then never get
 * there.
 *
 * <p>Threading: called by the container one frame at a time per connection, possibly from different threads;
 * {@code synchronized} for visibility (uncontended).
 */
public final class FrameRateLimiter {

    /** What one frame gets. */
    public enum Verdict { ALLOW, REFUSE, CLOSE }

    static final double BURST_SECONDS = 3;
    private static final double STRIKE_FADE_PER_SECOND = 0.1;

    private final double perSecond;
    private final double capacity;
    private final double maxStrikes;
    private double tokens;
    private double strikes;
    private long lastNanos;

    /** @param perSecond frames per second allowed on average; at least 1 */
    public FrameRateLimiter(int perSecond, long nowNanos) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("max-frames-per-second must be at least 1, was " + perSecond);
        }
        this.perSecond = perSecond;
        this.capacity = perSecond * BURST_SECONDS;
        this.maxStrikes = perSecond;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Decides one frame that arrived at {@code nowNanos}. */
    public synchronized Verdict onFrame(long nowNanos) {
        double elapsed = Math.max(0, nowNanos - lastNanos) / 1e9;
        lastNanos = nowNanos;
        tokens = Math.min(capacity, tokens + elapsed * perSecond);
        strikes = Math.max(0, strikes - elapsed * perSecond * STRIKE_FADE_PER_SECOND);
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.ALLOW;
        }
        strikes += 1;
        return strikes > maxStrikes ? Verdict.CLOSE : Verdict.REFUSE;
    }
}
