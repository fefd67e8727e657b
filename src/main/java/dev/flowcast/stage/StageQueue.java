package dev.flowcast.stage;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The bounded backlog of one stage, over any {@link BlockingQueue}: an {@link ArrayBlockingQueue} today, a
 * Hazelcast {@code IQueue} for the replicated and persistent durability modes.
 *
 * <p>Each item travels with the {@link System#nanoTime()} at which the stage accepted it, so that stage
 * latency can be measured from acceptance. The queue never blocks: waiting (the {@code block} policy) is done
 * by the {@link Stage}, which owns the bound.
 *
 * <p>Threading: every method may be called from any thread at once; {@link #offer} is called by producers,
 * {@link #drainTo} by the stage's dispatcher and by drop-oldest evictions. An item and its stamp offered by one
 * thread are fully visible to the thread that drains them (the underlying queue's happens-before guarantee).
 * A stage assumes it is the only producer and consumer of its queue, except for items already in the queue
 * when the stage is built (they are handled after {@link Stage#start()}).
 *
 * <p>To add a queue kind (e.g. one that reads the accept time from the event itself, so that it survives a
 * member crash), implement this interface and subclass {@code StageQueueContractTest}.
 *
 * @param <T> item type
 */
public interface StageQueue<T> {

    /** Receives drained items with their accept stamps, in queue order. */
    @FunctionalInterface
    interface Sink<T> {
        void accept(T item, long acceptedNanos);
    }

    /** A queue over an {@link ArrayBlockingQueue} of {@code capacity}: the in-memory durability mode. */
    static <T> StageQueue<T> inMemory(int capacity) {
        return new ArrayStageQueue<>(capacity);
    }

    /**
     * A queue over {@code queue}, which must be bounded by {@code capacity}.
     *
     * @throws IllegalArgumentException if the queue is unbounded ({@code remainingCapacity() == Integer.MAX_VALUE},
     *                                  e.g. a {@code LinkedBlockingQueue} without a capacity, or an {@code IQueue}
     *                                  without max-size) or holds more room than {@code capacity}
     */
    static <T> StageQueue<T> over(BlockingQueue<T> queue, int capacity) {
        return new BlockingStageQueue<>(queue, capacity);
    }

    /** The bound: this queue never holds more items. */
    int capacity();

    /** Items now in the queue. */
    int size();

    /** Appends {@code item} stamped {@code acceptedNanos}; false at once when full. Never blocks. */
    boolean offer(T item, long acceptedNanos);

    /** Removes up to {@code maxItems} of the oldest items, in order, into {@code sink}; returns how many. */
    int drainTo(Sink<? super T> sink, int maxItems);
}
