package dev.flowcast.metrics;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Delivery latency (accept to socket write) in HdrHistogram: the last few seconds for {@code /api/stats} and the
 * console, and every value once for the exporters ({@code /metrics}).
 *
 * <p>Writers call {@link #record} on the hot path: HdrHistogram's {@link Recorder} makes that wait-free. The
 * reader side ({@link #roll}, {@link #recent}) swaps out the recorder's interval histogram and keeps the
 * intervals of the last {@link #WINDOW_NANOS}; {@link #recent} merges them, so its percentiles are "recent": they cover
 * the last 5 to 6 seconds when {@code roll} runs every second (the stats tick does that). Each closed interval is
 * also added to a histogram of values not yet exported, which {@link #drainUnexported} hands to the MicroProfile
 * timer once per tick, and to an all-time count and sum for the WAR's own Prometheus endpoint.
 *
 * <p>Threading: {@link #record} from any thread, lock-free; the reader methods are {@code synchronized} (Recorder
 * allows one interval reader at a time). Values are microseconds, clamped to one hour.
 */
public final class LatencyRecorder {

    /** How far back a snapshot looks. */
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final int DIGITS = 2;

    private final Recorder recorder = new Recorder(MAX_MICROS, DIGITS);
    /** Closed intervals, oldest first; each ends at its stamp. */
    private final ArrayDeque<Interval> intervals = new ArrayDeque<>();
    /** Closed intervals not yet handed to an exporter; bounded in size like any HdrHistogram. */
    private final Histogram unexported = new Histogram(MAX_MICROS, DIGITS);
    private Histogram spare;
    private long recorded;
    private double recordedSumMicros;

    private record Interval(long endNanos, Histogram histogram) {
    }

    /** One value, in microseconds. Any thread; wait-free. */
    public void record(long micros) {
        recorder.recordValue(clamp(micros));
    }

    /** {@code count} equal values, in microseconds (one batch written to several clients). Any thread; wait-free. */
    public void record(long micros, int count) {
        if (count > 0) {
            recorder.recordValueWithCount(clamp(micros), count);
        }
    }

    private static long clamp(long micros) {
        return Math.max(0, Math.min(MAX_MICROS, micros));
    }

    /** Closes the current interval and forgets intervals older than the window. */
    public synchronized void roll(long nowNanos) {
        Histogram interval = recorder.getIntervalHistogram(spare);
        spare = null;
        recorded += interval.getTotalCount();
        recordedSumMicros += interval.getMean() * interval.getTotalCount();
        unexported.add(interval);
        intervals.addLast(new Interval(nowNanos, interval));
        for (Iterator<Interval> it = intervals.iterator(); it.hasNext(); ) {
            Interval oldest = it.next();
            if (nowNanos - oldest.endNanos() <= WINDOW_NANOS || intervals.size() == 1) {
                break;
            }
            it.remove();
            spare = oldest.histogram(); // recycled by the next roll: no allocation in steady state
        }
    }

    /**
     * A new histogram (microseconds) of the values recorded in the last 5 to 6 seconds; rolls first, so everything
     * recorded before the call is included.
     */
    public synchronized Histogram recent(long nowNanos) {
        roll(nowNanos);
        Histogram merged = new Histogram(MAX_MICROS, DIGITS);
        for (Interval interval : intervals) {
            merged.add(interval.histogram());
        }
        return merged;
    }

    /** Every value recorded since start, up to the last roll. */
    public synchronized long recorded() {
        return recorded;
    }

    /**
     * The sum of every value recorded since start, up to the last roll, in microseconds; from HdrHistogram's buckets,
     * so within its precision (two significant digits) of the exact sum.
     */
    public synchronized double recordedSumMicros() {
        return recordedSumMicros;
    }

    /**
     * Rolls, then adds to {@code target} every value recorded since the previous drain, and forgets them here: each
     * value reaches the one exporter that drains exactly once.
     */
    public synchronized void drainUnexported(long nowNanos, Histogram target) {
        roll(nowNanos);
        target.add(unexported);
        unexported.reset();
    }
}
