package dev.flowcast.stage;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Stage#drain} achieved: whether all queued work finished in time, and what was left.
 *
 * <p>Threading: immutable; {@code leftover} is an unmodifiable copy owned by the caller.
 *
 * @param stage     the stage's name
 * @param completed true when every accepted item was handled (or dropped and reported) before the timeout
 * @param leftover  items accepted but never handed to the handler, in queue order per key; empty when
 *                  {@code completed}. Batches already in flight at the timeout are not in it: they finish on
 *                  the executor (see {@link StageStats#inFlight()}).
 * @param took      how long the drain took
 * @param <T>       item type
 */
public record DrainReport<T>(String stage, boolean completed, List<T> leftover, Duration took) {

    public DrainReport {
        leftover = List.copyOf(leftover);
    }
}
