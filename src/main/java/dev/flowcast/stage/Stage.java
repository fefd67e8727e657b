package dev.flowcast.stage;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One bounded, concurrency-limited, key-ordered step of the pipeline: producers {@link #offer} items, long-lived
 * worker threads (made once by an injected thread factory) hand them, in batches of one key (or a few, see
 * {@link Builder#lanesPerCall}), to a {@link BatchHandler}.
 *
 * <pre>
 *  offer(item) ──> [Backlog: count ≤ capacity, OverflowPolicy when full]
 *                        │ ACCEPTED
 *                        v
 *               [StageQueue (bounded)] ──dispatch step──> per-key mailboxes (Lane) ──> ready lanes (FIFO)
 *                                                                                       │ ≤ workers at once
 *                                                                                       v
 *                          workers threads: handler(batch of ≤ batchSize, one key or up to lanesPerCall keys)
 * </pre>
 *
 * <p><b>Semantics.</b> The capacity bounds every accepted item not yet taken by a worker, wherever it waits (the
 * queue or a key's mailbox); batches in flight are bounded separately, by {@code workers × batchSize}. Items with
 * the same key reach the handler in offer order, one batch at a time; different keys run in parallel, at most
 * {@code workers} handler calls at once. Items leave the shared queue in arrival order; among the keys pulled from
 * it, ready lanes take turns (a lane goes to the back after each batch), and a slow key holds one worker while
 * the others pull past its items to reach other keys (details in the package's {@code Dispatcher}). Without
 * {@link Builder#keyedBy} every item has the same key: the stage is strictly FIFO with one handler call at a time
 * (choose a key to get parallelism; order is then kept per key only). Every drop is counted in
 * {@link StageStats#dropped()} and passed to the {@link DropListener}; handler failures go to the error callback
 * with the batch, are counted in {@link StageStats#failed()}, and the stage goes on.
 *
 * <p><b>Lifecycle.</b> {@code build()} → {@link #start()} → {@link #drain(Duration)} (or {@link #stop()}).
 * Offers before {@code start()} are queued (and so are items already in a durable queue) and run after it. Drain
 * stops accepting, lets queued and in-flight work finish within the timeout, then hands back what is left. A
 * drained stage cannot be restarted. Shutdown order of a pipeline: stop the producers (ingest answers 503/429),
 * then drain the stages upstream first (ingest → sequencer → fan-out → outboxes), each with its share of the
 * time, then close client sockets (1001), and Hazelcast last. A drained stage's worker threads end once their
 * batch in flight (if any) returns.
 *
 * <p><b>Threading.</b> {@link #offer}, {@link #stats()} and {@link #name()} may be called from any thread at any
 * time; {@link #start()} and {@link #drain} from one lifecycle thread (they are {@code synchronized}). Everything a
 * producer wrote before {@code offer} returned {@code ACCEPTED} is visible to the handler that receives the item;
 * everything a handler wrote is visible to the next handler call of the same key. Handlers, drop listeners and
 * the error callback must be thread-safe across keys. Batches run only on the {@code workers} threads the stage's
 * thread factory made at {@link #start()}.
 *
 * @param <T> item type; items are never null
 */
public final class Stage<T> {

    private static final System.Logger LOG = System.getLogger(Stage.class.getName());
    private static final long DRAIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long BLOCK_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int DRAINING = 2;
    private static final int TERMINATED = 3;

    private final String name;
    private final StageQueue<T> queue;
    private final Backlog backlog;
    private final OverflowPolicy policy;
    private final long offerTimeoutNanos;
    private final int workers;
    private final BatchHandler<T> handler;
    private final DropListener<T> dropListener;
    private final BiConsumer<List<T>, Throwable> onError;
    private final Dispatcher<T> dispatcher;

    private volatile int state = NEW;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder handled = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder droppedOldest = new LongAdder();
    private final LongAdder droppedNewest = new LongAdder();
    private final RateWindow rates;
    private final LatencyWindow latency;
    private volatile long lastProgressNanos;

    private Stage(Builder<T> b) {
        this.name = b.name;
        this.queue = b.queue != null ? b.queue : StageQueue.inMemory(b.capacity);
        this.backlog = new Backlog(queue.capacity(), Math.min(queue.size(), queue.capacity()));
        this.policy = b.policy;
        this.offerTimeoutNanos = b.offerTimeout.toNanos();
        this.workers = b.workers;
        this.handler = b.handler;
        this.dropListener = b.dropListener;
        this.onError = b.onError != null ? b.onError : this::logFailure;
        long now = System.nanoTime();
        this.rates = new RateWindow(now);
        this.latency = new LatencyWindow(now);
        this.lastProgressNanos = now;
        this.dispatcher = new Dispatcher<>(name, queue, backlog, b.keyFn, b.batchSize, b.lanesPerCall, b.workers,
                b.threads, this::runBatch);
    }

    /** A builder for a stage called {@code name} (used in stats, metrics tags and logs). */
    public static <T> Builder<T> builder(String name) {
        return new Builder<>(name);
    }

    public String name() {
        return name;
    }

    /** Starts handing queued items to the handler. Idempotent while running. */
    public synchronized void start() {
        if (state == RUNNING) {
            return;
        }
        if (state != NEW) {
            throw new IllegalStateException("stage " + name + " was drained; it cannot start again");
        }
        state = RUNNING;
        dispatcher.start();
    }

    /**
     * Offers one item under the stage's overflow policy. Any thread; never blocks except under
     * {@link OverflowPolicy#BLOCK}, for at most the offer timeout (an interrupt ends the wait: REJECTED, with the
     * interrupt flag kept). Once {@link #drain} has begun, the answer is {@link Admission#REJECTED}.
     *
     * @return ACCEPTED (queued), REJECTED (the caller keeps the item), or DROPPED (drop-newest dropped it)
     */
    public Admission offer(T item) {
        Objects.requireNonNull(item, "item");
        return admit(List.of(item));
    }

    /**
     * Offers several items, all or none: either every item is queued, in list order, or none is (the batch
     * publish API's contract). Same threading and drain rules as {@link #offer}. A full stage applies the
     * overflow policy to the whole batch: REJECT refuses it; BLOCK waits up to the offer timeout for room for
     * all of it; DROP_NEWEST drops every item of it (each to the drop listener) and answers DROPPED;
     * DROP_OLDEST evicts the oldest waiting items until it fits. A batch larger than the capacity never fits
     * and is REJECTED. With a queue shared with other producers ({@link StageQueue#over}), the queue may still
     * refuse an item midway; then the items before it stay queued and the rest is REJECTED and counted.
     */
    public Admission offerAll(List<? extends T> items) {
        if (items.isEmpty()) {
            return Admission.ACCEPTED;
        }
        return admit(items);
    }

    /** The one admission path of {@link #offer} and {@link #offerAll}: reserve slots by policy, then queue. */
    private Admission admit(List<? extends T> items) {
        int n = items.size();
        if (state > RUNNING || n > backlog.capacity()) {
            rejected.add(n);
            return Admission.REJECTED;
        }
        int before = backlog.tryReserve(n);
        if (before < 0) {
            switch (policy) {
                case REJECT -> before = -1;
                case DROP_NEWEST -> {
                    for (T item : items) {
                        drop(item, OverflowPolicy.DROP_NEWEST);
                    }
                    return Admission.DROPPED;
                }
                case BLOCK -> before = reserveWaiting(n);
                case DROP_OLDEST -> before = reserveEvicting(n);
                default -> throw new AssertionError(policy);
            }
            if (before < 0) {
                rejected.add(n);
                return Admission.REJECTED;
            }
        }
        // Re-check after reserving: drain() sets the state then waits for the backlog to empty, so an offer that
        // reserved before the state changed is waited for, and one that reserved after it backs out here.
        if (state > RUNNING) {
            backlog.release(n);
            rejected.add(n);
            return Admission.REJECTED;
        }
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            T item = Objects.requireNonNull(items.get(i), "item");
            if (!queue.offer(item, now)) { // only a queue shared with someone else can be fuller than our count
                backlog.release(n - i);
                rejected.add(n - i);
                if (i > 0) {
                    dispatcher.offered();
                }
                return i == 0 ? Admission.REJECTED : Admission.ACCEPTED;
            }
        }
        accepted.add(n);
        if (before == 0 && dispatcher.busy() == 0) {
            lastProgressNanos = now; // idle until now: the liveness clock starts with this item, not at the last batch
        }
        dispatcher.offered();
        return Admission.ACCEPTED;
    }

    /** BLOCK: waits for {@code n} free slots until the offer timeout; returns the count before, or -1. */
    private int reserveWaiting(int n) {
        long deadline = System.nanoTime() + offerTimeoutNanos;
        for (;;) {
            if (state > RUNNING) {
                return -1;
            }
            int before = backlog.tryReserve(n);
            if (before >= 0) {
                return before;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return -1;
            }
            try {
                // woken at low water or after a short nap: a slot freed by a slow consumer is found within 1 ms
                backlog.awaitRoom(Math.min(left, BLOCK_NAP_NANOS), () -> state <= RUNNING);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    /**
     * DROP_OLDEST: evicts the oldest waiting items until {@code n} slots are ours. Items already sorted into a
     * key's mailbox left the head of the shared queue before anything still in it, so the oldest is the mailbox
     * head with the oldest accept stamp if any item is staged, else the head of the shared queue. A victim's slot
     * passes straight to this offer (it is never released, so no other producer can take it). Returns the count
     * before (the capacity when every slot was taken over), or -1 if the stage stopped accepting meanwhile.
     */
    private int reserveEvicting(int n) {
        int owned = 0;
        for (;;) {
            if (state > RUNNING) {
                backlog.release(owned);
                return -1;
            }
            int before = backlog.tryReserve(n - owned);
            if (before >= 0) {
                return before;
            }
            T victim = dispatcher.evictOldestStaged();
            if (victim == null) {
                victim = pollOldestQueued();
            }
            if (victim != null) {
                drop(victim, OverflowPolicy.DROP_OLDEST);
                if (++owned == n) {
                    return backlog.capacity();
                }
            } else {
                // Full, yet nothing to evict: the slots are reservations of offers in progress, or a batch being
                // taken by a worker; both end within a few instructions.
                Thread.onSpinWait();
            }
        }
    }

    private T pollOldestQueued() {
        List<T> one = new ArrayList<>(1);
        queue.drainTo((item, stamp) -> one.add(item), 1);
        return one.isEmpty() ? null : one.get(0);
    }

    private void drop(T item, OverflowPolicy why) {
        (why == OverflowPolicy.DROP_OLDEST ? droppedOldest : droppedNewest).increment();
        try {
            dropListener.onDrop(item, why);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "stage " + name + ": drop listener failed", e);
        }
    }

    /** Called by a worker for each batch, outside the dispatcher lock. Never throws. */
    private void runBatch(List<T> batch, long[] acceptedNanos, int n) {
        try {
            handler.handle(batch);
        } catch (Throwable t) { // an Error too: one bad batch must not stop the lane or leak the worker slot
            failed.add(n);
            try {
                onError.accept(batch, t);
            } catch (Throwable t2) {
                LOG.log(Level.ERROR, "stage " + name + ": error callback failed", t2);
            }
        }
        long now = System.nanoTime();
        latency.record(acceptedNanos, n, now);
        handled.add(n);
        lastProgressNanos = now;
        if (rates.due(now)) {
            rates.sample(now, accepted.sum(), handled.sum());
        }
    }

    private void logFailure(List<T> batch, Throwable t) {
        LOG.log(Level.WARNING, "stage " + name + ": handler failed on a batch of " + batch.size(), t);
    }

    /**
     * Stops accepting, lets queued and in-flight work finish for up to {@code timeout}, and reports what was left.
     * Offers blocked under BLOCK are woken and REJECTED. Past the timeout no new batch starts; every item still
     * queued is removed and returned in {@link DrainReport#leftover()} (per key in offer order), so nothing is lost
     * silently; batches already running finish on their worker threads, which then end. A stage that was never started runs nothing: all
     * its items are left over. A second call returns an empty, completed report. Blocks the calling thread.
     */
    public synchronized DrainReport<T> drain(Duration timeout) {
        long t0 = System.nanoTime();
        if (state == TERMINATED) {
            return new DrainReport<>(name, true, List.of(), Duration.ZERO);
        }
        boolean wasStarted = state == RUNNING;
        state = DRAINING;
        backlog.wakeAll(); // blocked producers see the state and give up
        long deadline = t0 + Math.max(0, timeout.toNanos());
        boolean interrupted = false;
        if (wasStarted) {
            while (!quiet()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    dispatcher.awaitQuiet(Math.min(left, DRAIN_POLL_NANOS));
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        }
        state = TERMINATED;
        List<T> leftover = new ArrayList<>();
        backlog.release(dispatcher.close(leftover));
        while (backlog.get() > 0) { // offers that reserved before the state changed are finishing: collect them
            Thread.onSpinWait();
            backlog.release(dispatcher.close(leftover));
        }
        backlog.wakeAll();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        boolean completed = leftover.isEmpty() && dispatcher.busy() == 0;
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (!completed) {
            LOG.log(Level.WARNING, "stage " + name + " drained with " + leftover.size() + " items left and "
                    + dispatcher.busy() + " batches still running after " + took.toMillis() + " ms");
        }
        return new DrainReport<>(name, completed, leftover, took);
    }

    /** {@link #drain} without waiting: stops at once and hands back everything queued. */
    public DrainReport<T> stop() {
        return drain(Duration.ZERO);
    }

    private boolean quiet() {
        return backlog.get() == 0 && dispatcher.busy() == 0;
    }

    /** True between {@link #start()} and {@link #drain}. */
    public boolean isRunning() {
        return state == RUNNING;
    }

    /** A snapshot of this stage's numbers; cheap (a few counter reads, one small histogram merge), any thread. */
    public StageStats stats() {
        long now = System.nanoTime();
        long in = accepted.sum();
        long out = handled.sum();
        double[] perSecond = rates.rates(now, in, out);
        int depth = Math.max(0, Math.min(backlog.capacity(), backlog.get()));
        int inFlight = dispatcher.busy();
        Duration since = depth == 0 && inFlight == 0 ? Duration.ZERO
                : Duration.ofNanos(Math.max(0, now - lastProgressNanos));
        Map<OverflowPolicy, Long> dropped = new EnumMap<>(OverflowPolicy.class);
        dropped.put(OverflowPolicy.DROP_OLDEST, droppedOldest.sum());
        dropped.put(OverflowPolicy.DROP_NEWEST, droppedNewest.sum());
        return new StageStats(name, depth, backlog.capacity(), inFlight, workers, in, out, rejected.sum(),
                failed.sum(), dropped, perSecond[0], perSecond[1], latency.snapshot(now), since);
    }

    @Override
    public String toString() {
        return "Stage[" + name + ", " + policy.settingName() + ", capacity " + backlog.capacity() + ", workers "
                + workers + "]";
    }

    /**
     * Configures a {@link Stage}. Required: {@code queue} or {@code capacity} (one), {@code threads},
     * {@code handler}. Defaults: overflow {@code reject}, workers = available processors (the contract's default of
     * {@code flowcast.stage.workers}), batch size 64, no key (strict FIFO), drops only counted, errors logged.
     *
     * <p>Threading: not thread-safe; build on one thread, then share the stage.
     */
    public static final class Builder<T> {

        private final String name;
        private StageQueue<T> queue;
        private int capacity;
        private OverflowPolicy policy = OverflowPolicy.REJECT;
        private Duration offerTimeout = Duration.ZERO;
        private int workers = Runtime.getRuntime().availableProcessors();
        private int batchSize = 64;
        private int lanesPerCall = 1;
        private Function<? super T, ?> keyFn;
        private ThreadFactory threads;
        private BatchHandler<T> handler;
        private DropListener<T> dropListener = (item, why) -> { };
        private BiConsumer<List<T>, Throwable> onError;

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a stage needs a name");
            }
            this.name = name;
        }

        /** The bounded queue that holds the backlog; its capacity is the stage's. Excludes {@link #capacity}. */
        public Builder<T> queue(StageQueue<T> queue) {
            this.queue = Objects.requireNonNull(queue, "queue");
            return this;
        }

        /** Shorthand for {@code queue(StageQueue.inMemory(capacity))}. */
        public Builder<T> capacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * What a full stage does; {@code offerTimeout} is the longest a producer waits under BLOCK (ignored by the
         * other policies). A blocked producer re-tries when the backlog has fallen to low water (a quarter of the
         * capacity, at most 1024, below full) and at least every millisecond, so it never waits past a free slot
         * for long, and a saturated stage does not pay a thread wake-up per freed slot.
         */
        public Builder<T> overflow(OverflowPolicy policy, Duration offerTimeout) {
            this.policy = Objects.requireNonNull(policy, "policy");
            if (offerTimeout == null || offerTimeout.isNegative()) {
                throw new IllegalArgumentException("offer timeout must be zero or positive, was " + offerTimeout);
            }
            this.offerTimeout = offerTimeout;
            return this;
        }

        /** At most this many handler calls in flight at once ({@code flowcast.stage.workers}). */
        public Builder<T> workers(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("workers must be at least 1, was " + maxInFlight);
            }
            this.workers = maxInFlight;
            return this;
        }

        /** At most this many items per handler call (of one key, or of all the keys one call takes). */
        public Builder<T> batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * How many keys one handler call may serve (default 1): a worker that takes a ready lane also takes the next
         * ready lanes, up to this many, while the call holds fewer than {@code batchSize} items. Each key's items
         * stay together and in offer order, and a key is still never in two calls at once. For a handler whose
         * every call pays a fixed cost whatever it carries (a round trip, a statement), so that keys that arrive
         * together pay it once.
         */
        public Builder<T> lanesPerCall(int lanes) {
            if (lanes < 1) {
                throw new IllegalArgumentException("lanes per call must be at least 1, was " + lanes);
            }
            this.lanesPerCall = lanes;
            return this;
        }

        /**
         * The lane key (e.g. the topic): order is kept per key, keys run in parallel. Called on producer and worker
         * threads; must be cheap, pure, and consistent with {@code equals}/{@code hashCode}. A null key is a key.
         */
        public Builder<T> keyedBy(Function<? super T, ?> key) {
            this.keyFn = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Makes the stage's {@code workers} long-lived threads, once, at {@link Stage#start()}: the container's
         * {@code ManagedThreadFactory} in the app (context captured once per thread, not per task), any factory in
         * tests. The stage names the threads {@code flowcast-<stage>-<i>}; they end after {@link Stage#drain}.
         */
        public Builder<T> threads(ThreadFactory threads) {
            this.threads = Objects.requireNonNull(threads, "threads");
            return this;
        }

        public Builder<T> handler(BatchHandler<T> handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Told of every dropped item (on the producer's thread). Drops are counted with or without it. */
        public Builder<T> onDrop(DropListener<T> listener) {
            this.dropListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Told of every failed batch (on the worker's thread); by default failures are logged. */
        public Builder<T> onError(BiConsumer<List<T>, Throwable> onError) {
            this.onError = Objects.requireNonNull(onError, "onError");
            return this;
        }

        public Stage<T> build() {
            if ((queue == null) == (capacity == 0)) {
                throw new IllegalStateException("stage " + name + ": set exactly one of queue(...) or capacity(...)");
            }
            if (threads == null) {
                throw new IllegalStateException("stage " + name + ": threads(...) is required");
            }
            if (handler == null) {
                throw new IllegalStateException("stage " + name + ": handler(...) is required");
            }
            return new Stage<>(this);
        }
    }
}
