package dev.flowcast.stage;

import java.util.List;

/**
 * The mailbox of one key: a growable FIFO ring of staged items with their accept stamps, plus the flags the
 * dispatcher needs to schedule it.
 *
 * <p>Threading: every method and both flags are guarded by the {@link Dispatcher}'s lock. The ring grows as
 * needed; it is bounded from outside, by the stage's {@link Backlog} (all mailboxes together never hold more than
 * the stage's capacity).
 */
final class Lane<T> {

    final Object key;
    /** A worker holds this lane: no other worker may take a batch of it. */
    boolean busy;
    /** The lane is in the dispatcher's ready deque (at most once). */
    boolean inReady;

    private Object[] items;
    private long[] stamps;
    private int head;
    private int size;

    /** @param initialCapacity a power of two; small, since most lanes live for one batch */
    Lane(Object key, int initialCapacity) {
        this.key = key;
        this.items = new Object[initialCapacity];
        this.stamps = new long[initialCapacity];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(T item, long acceptedNanos) {
        if (size == items.length) {
            grow();
        }
        int tail = (head + size) & (items.length - 1);
        items[tail] = item;
        stamps[tail] = acceptedNanos;
        size++;
    }

    /** Accept stamp of the oldest staged item; only when not empty. */
    long oldestStamp() {
        return stamps[head];
    }

    /** Removes and returns the oldest staged item, or null when empty. */
    @SuppressWarnings("unchecked")
    T pollFirst() {
        if (size == 0) {
            return null;
        }
        T item = (T) items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return item;
    }

    /**
     * Moves up to {@code max} oldest items to the end of {@code out}, their stamps into {@code outStamps} from
     * index {@code stampOffset}; returns how many.
     */
    @SuppressWarnings("unchecked")
    int takeInto(List<T> out, long[] outStamps, int stampOffset, int max) {
        int n = Math.min(max, size);
        int mask = items.length - 1;
        for (int i = 0; i < n; i++) {
            out.add((T) items[head]);
            outStamps[stampOffset + i] = stamps[head];
            items[head] = null;
            head = (head + 1) & mask;
        }
        size -= n;
        return n;
    }

    private void grow() { // capacity stays a power of two so that the index wraps with a mask
        int cap = items.length;
        Object[] newItems = new Object[cap << 1];
        long[] newStamps = new long[cap << 1];
        for (int i = 0; i < size; i++) {
            newItems[i] = items[(head + i) & (cap - 1)];
            newStamps[i] = stamps[(head + i) & (cap - 1)];
        }
        items = newItems;
        stamps = newStamps;
        head = 0;
    }
}
