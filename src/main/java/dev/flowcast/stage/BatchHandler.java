package dev.flowcast.stage;

import java.util.List;

/**
 * The work of a stage: handles one batch of items that share one key (or a few keys, see below).
 *
 * <p>Threading: called on a thread of the stage's executor, with 1 to {@code batchSize} items of ONE key
 * (lane) in offer order, or, when the stage was built with {@code lanesPerCall(n > 1)}, of up to {@code n} keys,
 * each key's items together and in offer order. It is never called concurrently for the same key; calls for
 * different keys may run in parallel, at most {@code workers} at once per stage. Everything the producer did
 * before its {@link Stage#offer} returned {@code ACCEPTED} is visible to the handler (the hand-off goes through
 * the stage's queue and lock). The list is a fresh one per call: the handler may keep it. An exception goes to
 * the stage's error callback with the batch; the stage goes on with the next batch.
 *
 * @param <T> item type
 */
@FunctionalInterface
public interface BatchHandler<T> {

    /** Handles {@code batch}; must not block forever, or the lane (and drain) waits with it. */
    void handle(List<T> batch) throws Exception;
}
