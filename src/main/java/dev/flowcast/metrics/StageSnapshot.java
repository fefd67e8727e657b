package dev.flowcast.metrics;

import dev.flowcast.stage.StageStats;

/**
 * One stage's numbers as {@code /api/stats} and the console show them (contract §4: name, depth, capacity,
 * inFlight, inPerSecond, outPerSecond, dropped).
 *
 * <p>Threading: immutable.
 *
 * @param sinceLastProgressMs 0 when the stage is idle; otherwise how long since a batch last completed (what the
 *                            liveness check watches)
 */
public record StageSnapshot(String name, long depth, long capacity, long inFlight, double inPerSecond,
        double outPerSecond, long dropped, long sinceLastProgressMs) {

    public static StageSnapshot of(StageStats stats) {
        return new StageSnapshot(stats.name(), stats.depth(), stats.capacity(), stats.inFlight(),
                stats.inPerSecond(), stats.outPerSecond(), stats.droppedTotal(), stats.sinceLastProgress().toMillis());
    }

    /** The sum of two members' numbers for the same stage; the longer stall wins. */
    StageSnapshot plus(StageSnapshot other) {
        return new StageSnapshot(name, depth + other.depth, capacity + other.capacity, inFlight + other.inFlight,
                inPerSecond + other.inPerSecond, outPerSecond + other.outPerSecond, dropped + other.dropped,
                Math.max(sinceLastProgressMs, other.sinceLastProgressMs));
    }
}
