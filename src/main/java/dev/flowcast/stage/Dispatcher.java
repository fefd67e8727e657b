package dev.flowcast.stage;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Moves items from the shared {@link StageQueue} into per-key mailboxes ({@link Lane}) and runs lane batches on
 * {@code workers} long-lived threads, so at most {@code workers} batches run at once.
 *
 * <p>Why long-lived threads: a stage used to submit a task to the container's managed executor for every
 * hand-off, and Jakarta Concurrency sets up the application's context for each task (class loader, naming,
 * security: look-ups per task, docs/benchmarks.md § profiles). A thread made once by the container's
 * {@code ManagedThreadFactory} captures that context once and keeps it for its life.
 *
 * <p>How a worker loops, under one lock: give back the lanes it held (each to the back of the ready deque if more
 * is pending), pull one chunk ({@code max(batchSize, 16)} items) from the shared queue into the mailboxes if fewer
 * than {@code max(64, 2 × workers × batchSize)} are staged, take the first ready lane (pulling more chunks only
 * while no lane is ready) and, with {@code lanesPerCall > 1}, the next ready lanes while the call has room, then run
 * up to {@code batchSize} of their items in one call, outside the lock. With nothing to do it parks on a
 * condition; a producer signals only when some worker is parked, so a busy stage pays no wake-ups.
 * <ul>
 *   <li>a key's items leave its mailbox in offer order, and a lane is held by one worker at a time: per-key order;</li>
 *   <li>the ready deque is FIFO and a lane goes to its back after each batch: a hot key gets one batch per turn
 *       and cannot starve the others; a slow key holds one worker while the others pull past its items;</li>
 *   <li>items stay in the shared queue until a worker is about to need them (at most the staging limit ahead);
 *       the chunk of at least 16 amortises the queue's lock when the batch size is 1.</li>
 * </ul>
 *
 * <p>Threading: producers call {@link #offered} and {@link #evictOldestStaged} from any thread; workers run on
 * their own threads. All scheduling state is guarded by {@code lock}; items and stamps handed over under the lock
 * are visible to the worker that takes them (lock release/acquire). The parked-worker count is volatile so that
 * producers can read it without the lock (a Dekker pair with the worker's re-check, see {@link Worker#run}).
 */
final class Dispatcher<T> {

    /** Runs one batch: the handler, its error path and the stats. Must not throw. */
    interface BatchRunner<T> {
        void run(List<T> batch, long[] acceptedNanos, int n);
    }

    private static final Object SINGLE_KEY = new Object() {
        @Override
        public String toString() {
            return "<all>";
        }
    };
    private static final Object NULL_KEY = new Object() {
        @Override
        public String toString() {
            return "<null>";
        }
    };
    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

    private final String name;
    private final StageQueue<T> queue;
    private final Backlog backlog;
    private final Function<? super T, ?> keyFn;
    private final int batchSize;
    private final int workers;
    /** Lanes one handler call may take: 1, or more to serve several keys in one call (see {@link Stage.Builder}). */
    private final int lanesPerCall;
    private final ThreadFactory threads;
    private final BatchRunner<T> runner;
    private final int laneCapacity;
    /** Items pulled from the shared queue per dispatch step: a batch, but at least 16 to amortise its lock. */
    private final int pullChunk;
    /** Above this many staged items a step pulls only when no lane is ready: the rest stays in the shared queue. */
    private final int stagingLimit;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private final Condition quiet = lock.newCondition();
    private final Map<Object, Lane<T>> lanes = new HashMap<>(); // guarded by lock
    private final ArrayDeque<Lane<T>> ready = new ArrayDeque<>(); // guarded by lock
    private final StageQueue.Sink<T> stager = this::stage;       // called under lock
    private final List<Thread> started = new ArrayList<>();     // guarded by lock
    private int staged;            // items in mailboxes; guarded by lock
    private volatile int busy;     // handler calls in flight; written under lock
    private volatile int parked;   // workers waiting for work; written under lock
    private volatile int running;  // worker threads alive; written under lock
    private boolean closed;        // guarded by lock

    Dispatcher(String name, StageQueue<T> queue, Backlog backlog, Function<? super T, ?> keyFn, int batchSize,
            int lanesPerCall, int workers, ThreadFactory threads, BatchRunner<T> runner) {
        this.name = name;
        this.queue = queue;
        this.backlog = backlog;
        this.keyFn = keyFn;
        this.batchSize = batchSize;
        this.workers = workers;
        this.lanesPerCall = lanesPerCall;
        this.threads = threads;
        this.runner = runner;
        // small: most lanes hold one bus batch or a few events; a lane grows (by doubling) when a key is hot
        this.laneCapacity = Math.min(16, Integer.highestOneBit(Math.max(1, batchSize) * 2 - 1));
        this.pullChunk = Math.max(batchSize, 16);
        this.stagingLimit = Math.max(64, 2 * workers * batchSize);
    }

    /** Handler calls in flight now. */
    int busy() {
        return busy;
    }

    /** Worker threads alive now (0 before start and once the last worker left after close). */
    int running() {
        return running;
    }

    /**
     * Starts the worker threads. Throws if the factory refuses a thread; the threads already started keep
     * working.
     */
    void start() {
        lock.lock();
        try {
            for (int i = 0; i < workers; i++) {
                Thread thread = threads.newThread(new Worker());
                if (thread == null) {
                    throw new IllegalStateException("stage " + name + ": the thread factory gave no thread");
                }
                thread.setName("flowcast-" + name + "-" + i);
                running++;
                started.add(thread);
                thread.start();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called by a producer after its item is in the queue: wakes a parked worker, if any. */
    void offered() {
        // Dekker pair with Worker.run: the producer wrote the backlog count and the item, then reads parked;
        // a worker writes parked, then re-reads the backlog before it waits. One of the two sees the other.
        if (parked > 0) {
            lock.lock();
            try {
                workArrived.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Drop-oldest: removes the oldest staged item of any lane (by accept stamp), or returns null when nothing is
     * staged. Scans the lanes that exist (those with staged items or a batch in flight): only when full.
     */
    T evictOldestStaged() {
        lock.lock();
        try {
            if (staged <= 0) {
                return null;
            }
            Lane<T> oldest = null;
            for (Lane<T> lane : lanes.values()) {
                if (!lane.isEmpty() && (oldest == null || lane.oldestStamp() - oldest.oldestStamp() < 0)) {
                    oldest = lane;
                }
            }
            if (oldest == null) {
                return null;
            }
            staged--;
            return oldest.pollFirst(); // an emptied lane is dropped lazily, when it is next taken from ready
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} for a worker to give back a lane, or for the backlog to empty. */
    void awaitQuiet(long nanos) throws InterruptedException {
        lock.lock();
        try {
            if (busy > 0 || backlog.get() > 0) {
                quiet.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking batches (those in flight finish, then their workers end) and moves every staged and queued item
     * into {@code out}, per key in offer order. Returns how many; the caller gives their slots back to the backlog.
     * May be called again to collect items of offers that were finishing meanwhile.
     */
    int close(List<T> out) {
        lock.lock();
        try {
            closed = true;
            workArrived.signalAll();
            int before = out.size();
            for (Lane<T> lane : new ArrayList<>(lanes.values())) {
                T item;
                while ((item = lane.pollFirst()) != null) {
                    out.add(item);
                }
                if (!lane.busy) {
                    lanes.remove(lane.key);
                }
            }
            ready.clear();
            staged = 0;
            queue.drainTo((item, stamp) -> out.add(item), Integer.MAX_VALUE);
            return out.size() - before;
        } finally {
            lock.unlock();
        }
    }

    private Object keyOf(T item) {
        if (keyFn == null) {
            return SINGLE_KEY;
        }
        Object k = keyFn.apply(item);
        return k == null ? NULL_KEY : k;
    }

    /** Accepted items not yet in a mailbox (in the queue, or about to be: a reservation in progress). */
    private int undispatched() {
        return backlog.get() - staged;
    }

    private void stage(T item, long acceptedNanos) { // the sink of queue.drainTo, under lock
        Object k = keyOf(item);
        Lane<T> lane = lanes.get(k);
        if (lane == null) {
            lane = new Lane<>(k, laneCapacity);
            lanes.put(k, lane);
        }
        lane.add(item, acceptedNanos);
        if (!lane.busy && !lane.inReady) {
            lane.inReady = true;
            ready.addLast(lane);
        }
    }

    /** One dispatch step's choice, under lock: the next lane to run, pulling from the queue as described above. */
    private Lane<T> nextLane() {
        // one chunk per step even if lanes are ready, so new keys get their turn
        if (undispatched() > 0 && staged < stagingLimit) {
            staged += queue.drainTo(stager, pullChunk);
        }
        for (;;) {
            Lane<T> lane = nextReadyLane();
            if (lane != null) {
                return lane;
            }
            int n = undispatched() > 0 ? queue.drainTo(stager, pullChunk) : 0;
            if (n == 0) {
                return null;
            }
            staged += n;
        }
    }

    /** The first ready lane that still has items, without pulling from the queue, under lock; null when none. */
    private Lane<T> nextReadyLane() {
        Lane<T> lane;
        while ((lane = ready.pollFirst()) != null) {
            lane.inReady = false;
            if (!lane.isEmpty()) {
                return lane;
            }
            lanes.remove(lane.key); // emptied by a drop-oldest eviction
        }
        return null;
    }

    /**
     * Ends a worker's call, under lock: gives back the lanes it held (each to the back of the ready deque if more is
     * pending, else forgotten) and empties {@code held}. Nothing to do when it held none.
     */
    private void release(List<Lane<T>> held) {
        if (held.isEmpty()) {
            return;
        }
        for (Lane<T> lane : held) {
            lane.busy = false;
            if (!lane.isEmpty()) {
                lane.inReady = true;
                ready.addLast(lane);
            } else {
                lanes.remove(lane.key);
            }
        }
        held.clear();
        busy--;
        if (busy == 0) {
            quiet.signalAll();
        }
    }

    /**
     * One worker thread: dispatch steps and calls until the stage closes.
     *
     * <p>Threading: its fields are confined to its thread. The lanes, items and stamps it takes under the lock
     * are its own until it gives the lanes back at its next step.
     */
    private final class Worker implements Runnable {

        private final long[] stamps = new long[batchSize];
        private final List<Lane<T>> held = new ArrayList<>(lanesPerCall);

        @Override
        public void run() {
            try {
                for (;;) {
                    List<T> batch;
                    int n;
                    lock.lock();
                    try {
                        release(held);
                        Lane<T> lane;
                        while ((lane = closed ? null : nextLane()) == null) {
                            if (closed) {
                                return;
                            }
                            parked++;
                            // re-check after announcing ourselves: a producer that read parked == 0 wrote its
                            // reservation before, so undispatched() sees it (see offered())
                            if (undispatched() > 0) {
                                parked--;
                                continue;
                            }
                            try {
                                workArrived.await();
                            } finally {
                                parked--;
                            }
                        }
                        busy++;
                        batch = new ArrayList<>(Math.min(batchSize, lane.size()));
                        n = take(lane, batch, 0);
                        // more ready lanes into the same call, while it has room (only with lanesPerCall > 1)
                        while (held.size() < lanesPerCall && n < batchSize && (lane = nextReadyLane()) != null) {
                            n += take(lane, batch, n);
                        }
                        staged -= n;
                    } finally {
                        lock.unlock();
                    }
                    backlog.release(n);
                    runner.run(batch, stamps, n);
                }
            } catch (InterruptedException e) {
                // the container stops its managed threads (undeploy): leave; drain reports what is left
                LOG.log(Level.DEBUG, () -> "stage " + name + ": worker interrupted, leaving");
            } finally {
                lock.lock();
                try {
                    release(held);
                    running--;
                    if (running == 0) {
                        quiet.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
        }

        /** Holds {@code lane} and moves its items (as many as the call has room for) into {@code batch}, under lock. */
        private int take(Lane<T> lane, List<T> batch, int taken) {
            lane.busy = true;
            held.add(lane);
            return lane.takeInto(batch, stamps, taken, batchSize - taken);
        }
    }
}
