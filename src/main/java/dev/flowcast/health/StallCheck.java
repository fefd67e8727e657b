package dev.flowcast.health;

import dev.flowcast.stage.Stage;
import dev.flowcast.stage.StageStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds stalled stages: a stage is stalled when it has queued or in-flight work and no batch has completed for
 * longer than the threshold ({@code flowcast.health.stall-seconds}). An idle stage is never stalled, however long
 * it has been idle, and neither is a busy one that keeps completing batches, however deep its queue.
 *
 * <p>Plain Java, so it is tested against real stages without a container. Threading: immutable; reads
 * {@link Stage#stats()}, which any thread may call.
 */
public final class StallCheck {

    /** A stalled stage and how long it has gone without progress. */
    public record Stall(String stage, Duration sinceLastProgress, int depth, int inFlight) {
    }

    private final Duration threshold;

    public StallCheck(Duration threshold) {
        if (threshold == null || threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("stall threshold must be positive, was " + threshold);
        }
        this.threshold = threshold;
    }

    public Duration threshold() {
        return threshold;
    }

    /** The stalled stages among {@code stages} (null entries, stages not built yet, are skipped). */
    public List<Stall> stalls(List<? extends Stage<?>> stages) {
        List<Stall> stalls = new ArrayList<>();
        for (Stage<?> stage : stages) {
            if (stage == null) {
                continue;
            }
            StageStats stats = stage.stats();
            boolean hasWork = stats.depth() > 0 || stats.inFlight() > 0;
            if (hasWork && stats.sinceLastProgress().compareTo(threshold) > 0) {
                stalls.add(new Stall(stats.name(), stats.sinceLastProgress(), stats.depth(), stats.inFlight()));
            }
        }
        return stalls;
    }

    @Override
    public String toString() {
        return "StallCheck[" + Objects.toString(threshold) + "]";
    }
}
