package dev.flowcast.metrics;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last few minutes of {@link HistoryPoint}s, one per stats tick, so a console opened now shows the recent
 * past at once instead of starting from an empty chart.
 *
 * <p>Bounded: the oldest point goes when a new one would exceed {@code capacity}. Threading: any thread;
 * {@code synchronized}.
 */
public final class StatsHistory {

    private final int capacity;
    private final ArrayDeque<HistoryPoint> points;

    public StatsHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.points = new ArrayDeque<>(capacity);
    }

    public synchronized void add(HistoryPoint point) {
        if (points.size() == capacity) {
            points.removeFirst();
        }
        points.addLast(point);
    }

    /** Oldest first. */
    public synchronized List<HistoryPoint> points() {
        return List.copyOf(points);
    }
}
