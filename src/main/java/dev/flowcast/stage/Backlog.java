package dev.flowcast.stage;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The one bound of a stage: counts items accepted and not yet taken by a worker, wherever they wait (the shared
 * {@link StageQueue} or a key's mailbox), and never lets the count pass the capacity.
 *
 * <p>Threading: any thread. A producer reserves a slot ({@link #tryReserve}) before it puts an item in the queue;
 * a worker releases slots when it takes a batch. Producers waiting for room under the {@code block} policy sleep
 * on a condition that {@link #release} signals only when someone waits (a volatile read on the fast path).
 * The reservation is a volatile write that happens before the producer reads the stage state, which is what
 * lets {@link Stage#drain} see every offer that raced with it (see there).
 */
final class Backlog {

    private final int capacity;
    /** Blocked producers are woken only once the count is this low: one wake-up lets them refill a good part. */
    private final int lowWater;
    private final AtomicInteger count;
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();

    Backlog(int capacity, int initial) {
        this.capacity = capacity;
        this.lowWater = capacity - Math.max(1, Math.min(capacity / 4, 1024));
        this.count = new AtomicInteger(initial);
    }

    int capacity() {
        return capacity;
    }

    /** Slots in use: queued items plus reservations of offers in progress. */
    int get() {
        return count.get();
    }

    /** Takes one slot; returns the count before (0 = the stage was empty) or -1 when full. */
    int tryReserve() {
        return tryReserve(1);
    }

    /** Takes {@code n} slots at once or none; returns the count before or -1 when they do not all fit. */
    int tryReserve(int n) {
        for (;;) {
            int c = count.get();
            if (c > capacity - n) {
                return -1;
            }
            if (count.compareAndSet(c, c + n)) {
                return c;
            }
        }
    }

    /** Gives back {@code n} slots and wakes producers waiting for room. */
    void release(int n) {
        int after = count.addAndGet(-n);
        // Dekker pair with awaitRoom: we write count then read waiters; a waiter writes waiters then reads count.
        // Waking a parked producer costs a system call: in a saturated stage, doing it for every freed slot would
        // make the worker pay one per batch. Waiters sleep until the count falls to lowWater instead (a quarter of
        // the capacity, at most 1024 slots, below full); the count always gets there while workers make progress.
        if (after <= lowWater && waiters.get() > 0) {
            wakeAll();
        }
    }

    /** Waits up to {@code nanos} until the count is at low water (or {@code !open}); reserves nothing. */
    void awaitRoom(long nanos, BooleanSupplier open) throws InterruptedException {
        lock.lock();
        waiters.incrementAndGet();
        try {
            while (nanos > 0 && count.get() > lowWater && open.getAsBoolean()) {
                nanos = notFull.awaitNanos(nanos);
            }
        } finally {
            waiters.decrementAndGet();
            lock.unlock();
        }
    }

    /** Wakes every waiting producer (room freed, or the stage stops accepting). */
    void wakeAll() {
        lock.lock();
        try {
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
