package dev.flowcast.stage;

import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link StageQueue#over}: any bounded {@link BlockingQueue} of plain items, with the accept stamps kept in a
 * side FIFO beside it (the queue may hold serialized items that cannot carry them).
 *
 * <p>Threading: as {@link StageQueue}. The side FIFO stays paired with the queue because every append to both
 * happens under {@code putLock} and every removal from both under {@code takeLock}: the n-th item in is the
 * n-th stamp in, and the n-th item out takes the n-th stamp out. A stamp is pushed before its item and taken
 * back (it is the last one, under {@code putLock}) if the queue refuses the item, so a remover never finds an
 * item without its stamp.
 */
final class BlockingStageQueue<T> implements StageQueue<T> {

    private final BlockingQueue<T> queue;
    private final int capacity;
    private final ConcurrentLinkedDeque<Long> stamps = new ConcurrentLinkedDeque<>();
    private final ReentrantLock putLock = new ReentrantLock();
    private final ReentrantLock takeLock = new ReentrantLock();

    BlockingStageQueue(BlockingQueue<T> queue, int capacity) {
        this.queue = Objects.requireNonNull(queue, "queue");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        int remaining = queue.remainingCapacity();
        if (remaining == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("unbounded queue " + queue.getClass().getName()
                    + ": a stage queue needs a bound (give the queue a capacity / max-size of " + capacity + ")");
        }
        int existing = queue.size();
        if ((long) remaining + existing > capacity) {
            throw new IllegalArgumentException("queue holds room for " + ((long) remaining + existing)
                    + " items, more than the declared capacity " + capacity);
        }
        this.capacity = capacity;
        long now = System.nanoTime();
        for (int i = 0; i < existing; i++) {
            stamps.addLast(now); // items left from before (a durable queue): their latency counts from now
        }
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int size() {
        return queue.size();
    }

    @Override
    public boolean offer(T item, long acceptedNanos) {
        Objects.requireNonNull(item, "item");
        putLock.lock();
        try {
            stamps.addLast(acceptedNanos);
            if (queue.offer(item)) {
                return true;
            }
            stamps.pollLast(); // ours: no other put ran since, and no remover takes a stamp without an item
            return false;
        } finally {
            putLock.unlock();
        }
    }

    @Override
    public int drainTo(Sink<? super T> sink, int maxItems) {
        int n = 0;
        takeLock.lock();
        try {
            while (n < maxItems) {
                T item = queue.poll();
                if (item == null) {
                    break;
                }
                Long stamp = stamps.pollFirst();
                sink.accept(item, stamp == null ? System.nanoTime() : stamp);
                n++;
            }
        } finally {
            takeLock.unlock();
        }
        return n;
    }
}
