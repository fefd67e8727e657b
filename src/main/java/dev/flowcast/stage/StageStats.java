package dev.flowcast.stage;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One stage's numbers at one moment: what the metrics, {@code /api/stats} and the console show.
 *
 * <p>Threading: immutable; made by {@link Stage#stats()} from independent counters, so the fields are each
 * exact but not one atomic cut (e.g. {@code in} may already count an item that {@code depth} does not).
 *
 * @param name              stage name
 * @param depth             items accepted and not yet taken by a worker (shared queue + per-key mailboxes);
 *                          never above {@code capacity}
 * @param capacity          the stage's bound
 * @param inFlight          handler invocations (batches) running now; never above {@code workers}
 * @param workers           the concurrency limit
 * @param in                accepted offers since start
 * @param out               items that left the stage through the handler (returned or threw) since start
 * @param rejected          offers answered {@link Admission#REJECTED}
 * @param failed            items in batches whose handler threw (these are also counted in {@code out})
 * @param dropped           items dropped, per drop policy ({@code DROP_OLDEST}, {@code DROP_NEWEST}; both always
 *                          present)
 * @param inPerSecond       accepted offers per second over the last ~5 s
 * @param outPerSecond      handled items per second over the last ~5 s
 * @param latency           offer-accepted to handler-returned percentiles over the last ~5 to 10 s
 * @param sinceLastProgress ZERO when nothing is queued or in flight; otherwise the time since the last batch
 *                          completed, or since work arrived at an idle stage, whichever is later
 */
public record StageStats(String name, int depth, int capacity, int inFlight, int workers, long in, long out,
        long rejected, long failed, Map<OverflowPolicy, Long> dropped, double inPerSecond, double outPerSecond,
        LatencySnapshot latency, Duration sinceLastProgress) {

    public StageStats {
        EnumMap<OverflowPolicy, Long> copy = new EnumMap<>(OverflowPolicy.class);
        copy.putAll(dropped);
        dropped = Collections.unmodifiableMap(copy); // enum order: stable in JSON and on the console
    }

    /** Total items dropped by any policy. */
    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }
}
