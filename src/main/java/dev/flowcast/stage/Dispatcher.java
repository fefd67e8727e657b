package dev.flowcast.stage;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Moves items from the shared {@link StageQueue} into per-key mailboxes ({@link Lane}) and runs at most
 * {@code workers} lane batches at once on the injected executor.
 *
 * <p>How: there is no dispatcher thread. A worker task loops over "dispatch steps" under one lock: give back the
 * lane it held (to the back of the ready deque if more is pending), pull one chunk ({@code max(batchSize, 16)}
 * items) from the shared queue into the mailboxes if fewer than {@code max(64, 2 × workers × batchSize)} are
 * staged, then take the first ready lane, more chunks being pulled (whatever is staged) only while no lane is
 * ready. It handles up to {@code batchSize} items of that lane outside the
 * lock, then steps again. When nothing is ready it lingers once, spinning up to {@link #LINGER_NANOS} for new
 * items (cheaper than ending and being re-submitted), then ends. So:
 * <ul>
 *   <li>a key's items leave its mailbox in offer order, and a lane is held by one worker at a time: per-key order;</li>
 *   <li>the ready deque is FIFO and a lane goes to its back after each batch: a hot key gets one batch per turn
 *       and cannot starve the others; a slow hot key holds one worker, and the other workers keep pulling past
 *       its items (they are staged in its mailbox) to find other keys;</li>
 *   <li>items stay in the shared queue (the durable one, with a Hazelcast {@code IQueue}) until a worker is about
 *       to need them: at most the staging limit ahead, plus whatever a worker must pull past a busy key to find
 *       a ready one; the chunk of at least 16 amortises the queue's lock when the batch size is 1 (measured:
 *       +60 % events/s for one key, docs/benchmarks.md);</li>
 *   <li>per-key mailboxes rather than {@code hash(key) % workers} lanes: two keys that hash alike never wait for
 *       each other, and the number of keys does not have to be known.</li>
 * </ul>
 *
 * <p>Starting workers: a producer starts one when none runs, or when fewer than {@code workers} run, none is
 * lingering, and its key has no lane yet (work that no running worker has seen); a worker that leaves other lanes
 * ready starts one more, up to the limit; the last worker to end re-checks the queue. These are cheap hints, not
 * a guarantee of maximal parallelism: in a narrow race (a worker ending just as an item of a new key arrives
 * while the other workers are busy) that item waits for the next dispatch step of a running worker, i.e. the end
 * of its current batch; it is not lost.
 *
 * <p>A worker yields its thread back to the executor every {@link #BATCHES_PER_TASK} batches (re-submitting
 * itself) so that a busy stage does not keep a shared container pool to itself.
 *
 * <p>Executor rejections ({@link RejectedExecutionException}, a managed executor with a full task queue): the
 * worker slot is given back, the rejection counted, and one retry is scheduled on the {@link RetryScheduler}
 * with a backoff from 1 ms doubling to 1 s; any later offer tries again too. Nothing is lost: the items stay
 * queued, and {@link StageStats#sinceLastProgress()} grows so that the liveness check notices a wedged executor.
 * A worker whose own re-submission is rejected simply keeps running.
 *
 * <p>Threading: producers call {@link #offered} and eviction methods from any thread; workers run on the
 * executor. {@code lanes} is a concurrent map only so that producers can read it as a hint; every write to it
 * and all other scheduling state is guarded by {@code lock}. Items and stamps handed over under the lock are
 * visible to the worker that takes them (lock release/acquire).
 */
final class Dispatcher<T> {

    /** Runs one batch: the handler, its error path and the stats. Must not throw. */
    interface BatchRunner<T> {
        void run(List<T> batch, long[] acceptedNanos, int n);
    }

    /** Runs a task later, once; used to retry after the executor refused a worker. */
    @FunctionalInterface
    interface RetryScheduler {
        void schedule(Runnable task, long delayNanos);
    }

    static final int BATCHES_PER_TASK = 256;
    static final long LINGER_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
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
    private static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

    private final String name;
    private final StageQueue<T> queue;
    private final Backlog backlog;
    private final Function<? super T, ?> keyFn;
    private final int batchSize;
    private final int workers;
    private final Executor executor;
    private final RetryScheduler retryScheduler;
    private final BatchRunner<T> runner;
    private final int laneCapacity;
    /** Items pulled from the shared queue per dispatch step: a batch, but at least 16 to amortise its lock. */
    private final int pullChunk;
    /** Above this many staged items a step pulls only when no lane is ready: the rest stays in the shared queue. */
    private final int stagingLimit;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition quiet = lock.newCondition();
    private final ConcurrentHashMap<Object, Lane<T>> lanes = new ConcurrentHashMap<>();
    private final ArrayDeque<Lane<T>> ready = new ArrayDeque<>(); // guarded by lock
    private final StageQueue.Sink<T> stager = this::stage;       // called under lock
    private volatile int staged;  // items in mailboxes; written under lock
    private volatile int running; // worker tasks submitted and not ended; written under lock
    private volatile int busy;    // lanes held by a worker = handler calls in flight; written under lock
    private final AtomicInteger lingering = new AtomicInteger(); // idle workers watching for new items
    private volatile boolean started;
    private volatile boolean closed;

    private final AtomicBoolean retryPending = new AtomicBoolean();
    private volatile long retryDelayNanos = MIN_RETRY_NANOS;
    private final LongAdder executorRejections = new LongAdder();

    Dispatcher(String name, StageQueue<T> queue, Backlog backlog, Function<? super T, ?> keyFn, int batchSize,
            int workers, Executor executor, RetryScheduler retryScheduler, BatchRunner<T> runner) {
        this.name = name;
        this.queue = queue;
        this.backlog = backlog;
        this.keyFn = keyFn;
        this.batchSize = batchSize;
        this.workers = workers;
        this.executor = executor;
        this.retryScheduler = retryScheduler;
        this.runner = runner;
        this.laneCapacity = Integer.highestOneBit(Math.min(batchSize, 256) * 2 - 1); // next power of two
        this.pullChunk = Math.max(batchSize, 16);
        this.stagingLimit = Math.max(64, 2 * workers * batchSize);
    }

    /** Handler calls in flight now. */
    int busy() {
        return busy;
    }

    long executorRejections() {
        return executorRejections.sum();
    }

    void start() {
        started = true;
        kick();
    }

    /** Called by a producer after its item is in the queue: starts a worker if the item might otherwise wait. */
    void offered(T item) {
        int r = running;
        if (r == 0 || (r < workers && lingering.get() == 0 && !lanes.containsKey(keyOf(item)))) {
            kick();
        }
    }

    /** Starts one worker if there is work, a free slot, and no retry already pending. Any thread. */
    void kick() {
        if (running >= workers || !started || closed || retryPending.get()) {
            return;
        }
        boolean go = false;
        lock.lock();
        try {
            if (running < workers && !closed && (!ready.isEmpty() || undispatched() > 0)) {
                running++;
                go = true;
            }
        } finally {
            lock.unlock();
        }
        if (go) {
            submit(new Worker());
        }
    }

    /**
     * Drop-oldest: removes the oldest staged item of any lane (by accept stamp), or returns null when nothing is
     * staged. Scans the lanes that exist (those with staged items or a batch in flight): only when full.
     */
    T evictOldestStaged() {
        if (staged <= 0) {
            return null;
        }
        lock.lock();
        try {
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

    /** Waits up to {@code nanos} for a worker to give back a lane when none stays busy. */
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
     * Stops taking batches (those in flight finish) and moves every staged and queued item into {@code out},
     * per key in offer order. Returns how many; the caller gives their slots back to the backlog.
     */
    int close(List<T> out) {
        lock.lock();
        try {
            closed = true;
            int before = out.size();
            for (Lane<T> lane : lanes.values()) {
                T item;
                while ((item = lane.pollFirst()) != null) {
                    out.add(item);
                }
                if (!lane.busy) {
                    lanes.remove(lane.key, lane);
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
        // one chunk per step even if lanes are ready, so new keys get their turn; one volatile write per chunk
        if (undispatched() > 0 && staged < stagingLimit) {
            staged += queue.drainTo(stager, pullChunk);
        }
        for (;;) {
            Lane<T> lane = ready.pollFirst();
            if (lane != null) {
                lane.inReady = false;
                if (lane.isEmpty()) { // emptied by a drop-oldest eviction
                    lanes.remove(lane.key, lane);
                    continue;
                }
                return lane;
            }
            int n = undispatched() > 0 ? queue.drainTo(stager, pullChunk) : 0;
            if (n == 0) {
                return null;
            }
            staged += n;
        }
    }

    /**
     * Gives a lane back, under lock: to the back of the ready deque if more is pending. An empty lane stays in the
     * map only until the end of the current lock hold ({@link #forgetIfIdle}), so that the next chunk of the same
     * key reuses it instead of removing and re-creating it; producers never see it empty outside the lock hold.
     */
    private void release(Lane<T> lane) {
        lane.busy = false;
        busy--;
        if (!lane.isEmpty()) {
            lane.inReady = true;
            ready.addLast(lane);
        }
        if (busy == 0) {
            quiet.signalAll();
        }
    }

    /** Under lock: removes a released lane that nothing was staged into meanwhile. */
    private void forgetIfIdle(Lane<T> lane) {
        if (lane != null && !lane.busy && !lane.inReady && lane.isEmpty()) {
            lanes.remove(lane.key, lane);
        }
    }

    private void submit(Worker worker) {
        try {
            executor.execute(worker);
            retryDelayNanos = MIN_RETRY_NANOS;
        } catch (RejectedExecutionException e) {
            lock.lock();
            try {
                running--;
            } finally {
                lock.unlock();
            }
            executorRejections.increment();
            scheduleRetry(e);
        }
    }

    private void scheduleRetry(RejectedExecutionException cause) {
        if (!retryPending.compareAndSet(false, true)) {
            return;
        }
        long delay = retryDelayNanos;
        retryDelayNanos = Math.min(MAX_RETRY_NANOS, delay * 2);
        LOG.log(Level.DEBUG, () -> "stage " + name + ": executor refused a worker (" + cause + "), retry in "
                + TimeUnit.NANOSECONDS.toMillis(delay) + " ms");
        try {
            retryScheduler.schedule(() -> {
                retryPending.set(false);
                kick();
            }, delay);
        } catch (RuntimeException e) { // the scheduler refused too: the next offer will try again
            retryPending.set(false);
            LOG.log(Level.WARNING, "stage " + name + ": cannot schedule a worker retry", e);
        }
    }

    /**
     * Before giving its slot back, an idle worker spins for up to {@link #LINGER_NANOS} watching for new items.
     * Ending and re-submitting a worker costs the producer a thread wake-up through the executor (a system call,
     * microseconds); a producer that is only slightly slower than the workers would pay it every few items.
     * While a worker lingers, producers do not start another one.
     */
    private void linger() {
        lingering.incrementAndGet();
        try {
            long deadline = System.nanoTime() + LINGER_NANOS;
            while (undispatched() <= 0 && !closed) {
                if (System.nanoTime() - deadline > 0) {
                    return;
                }
                // look at the producers' counter only now and then: reading it in a tight loop would pull its
                // cache line away from the producer at every offer, and a few items arriving meanwhile make a
                // better batch anyway
                for (int i = 0; i < 64; i++) {
                    Thread.onSpinWait();
                }
            }
        } finally {
            lingering.decrementAndGet();
        }
    }

    /** What a worker does after a dispatch step. */
    private enum Next { RUN, LINGER, YIELD, END }

    /**
     * One worker slot: dispatch steps and batches until nothing is ready (see the class comment).
     *
     * <p>Threading: runs on one executor thread; its fields are confined to it. The lane, batch and stamps it
     * takes under the dispatcher lock are its own until it gives the lane back at its next step.
     */
    private final class Worker implements Runnable {

        private final long[] stamps = new long[batchSize];
        private Lane<T> lane;      // held between a step and the next one
        private List<T> batch;
        private int n;
        private int batches;
        private boolean lingered;  // already lingered in this idle spell

        @Override
        public void run() {
            boolean ended = false;
            try {
                for (;;) {
                    boolean spawn = false;
                    Next next;
                    lock.lock();
                    try {
                        next = step();
                        if (next == Next.RUN && !ready.isEmpty() && running < workers) {
                            running++; // more lanes are ready than we can take: one more worker
                            spawn = true;
                        }
                        if (next == Next.END) {
                            running--;
                        }
                    } finally {
                        lock.unlock();
                    }
                    switch (next) {
                        case END -> {
                            ended = true;
                            return;
                        }
                        case LINGER -> {
                            lingered = true; // once per idle spell: after that the slot goes back
                            linger();
                        }
                        case YIELD -> {
                            try {
                                executor.execute(new Worker());
                                ended = true; // our slot now belongs to the new task
                                return;
                            } catch (RejectedExecutionException e) {
                                batches = 0; // no room for a fresh task: keep going on this thread
                            }
                        }
                        case RUN -> {
                            backlog.release(n);
                            if (spawn) {
                                submit(new Worker());
                            }
                            runner.run(batch, stamps, n);
                            batches++;
                        }
                        default -> throw new AssertionError(next);
                    }
                }
            } finally {
                if (!ended) { // only on an unexpected throwable: never leave a lane held or a slot counted
                    lock.lock();
                    try {
                        giveBack();
                        running--;
                    } finally {
                        lock.unlock();
                    }
                } else if (running == 0 && undispatched() > 0) {
                    // Dekker pair with offered(): we wrote running, now read the backlog; a producer wrote the
                    // backlog and its item, then reads running. The last worker to leave re-checks.
                    kick();
                }
            }
        }

        /** Under lock: gives back the lane of the last batch and decides what to do next. */
        private Next step() {
            Lane<T> released = giveBackKeepingLane();
            try {
                if (closed) {
                    return Next.END;
                }
                if (batches >= BATCHES_PER_TASK) {
                    return Next.YIELD; // keep our slot, hand it to a fresh task
                }
                Lane<T> chosen = nextLane();
                if (chosen == null) {
                    return lingered ? Next.END : Next.LINGER;
                }
                lingered = false;
                lane = chosen;
                lane.busy = true;
                busy++;
                batch = new ArrayList<>(Math.min(batchSize, lane.size()));
                n = lane.takeInto(batch, stamps, batchSize);
                staged -= n;
                return Next.RUN;
            } finally {
                forgetIfIdle(released);
            }
        }

        private Lane<T> giveBackKeepingLane() {
            Lane<T> held = lane;
            if (held != null) {
                release(held);
                lane = null;
            }
            return held;
        }

        private void giveBack() {
            forgetIfIdle(giveBackKeepingLane());
        }
    }
}
