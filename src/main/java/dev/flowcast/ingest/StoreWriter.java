package dev.flowcast.ingest;

import dev.flowcast.cluster.EventStore;
import dev.flowcast.cluster.EventStore.StoredBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code persistent} mode: writes the sequencer's numbered batches to the store on its own thread, so that a
 * sequencer call gives its lanes back once its batches are numbered instead of holding them through the database's
 * round trip. Every call that was numbered while a write ran goes into the next write: one statement for all of
 * them (group commit across calls).
 *
 * <pre>
 *  sequencer calls (lanes held only for the numbering):  [n1] [n2] [n3] ──> queue ──> writer thread
 *                                                                          write(n1) ; write(n2 + n3) ; …
 *                                                       after each write, in queue order: done(n, stored)
 * </pre>
 *
 * <p>Why one thread, one statement at a time: the writes of one topic must reach the store in seq order only in the
 * sense that a later seq is never stored while an earlier one is still missing (a restarted cluster continues each
 * topic from its stored newest seq and reads its history back); a failed write is kept and written again together
 * with everything after it, in the same statement, which is all-or-nothing. Two writes in parallel would also share
 * the topics' rows, so the second would wait for the first's row locks anyway (and could deadlock with it).
 *
 * <p>A failed write is logged once per outage; its calls are done as not stored (their publishers get 503) and
 * their batches are kept (at most {@link #MAX_PENDING} calls plus the ones in flight: the sequencer asks
 * {@link #storeFailing} before numbering anything new). The writer writes them again every {@link #RETRY_MILLIS},
 * or with the next call, until the store takes them.
 *
 * <p>{@code done} runs on the writer thread, in the order the calls were queued: the sequencer answers the
 * publishers and hands each bus partition's batches to the {@link BusSender} there, so a partition's messages keep
 * the order in which its batches were numbered.
 *
 * <p>Threading: {@link #write} from the ingest workers (a call for a bus partition is queued before that partition's
 * next call is numbered); {@link #storeFailing} from any thread; {@link #awaitWritten} and {@link #close} by the drain,
 * after the workers stopped.
 */
final class StoreWriter implements Runnable {

    /** Sequencer calls (each up to the ingest stage's batch size) that may wait for the writer before a worker waits. */
    static final int MAX_PENDING = 16;
    /** How often a failing store is tried again while no new call comes. */
    static final long RETRY_MILLIS = 250;

    private static final Logger LOG = Logger.getLogger(StoreWriter.class.getName());

    /** A sequencer call's numbered batches and what to do once the write that carried them ended. */
    interface Call {
        List<StoredBatch> batches();

        /** On the writer thread, in queue order; {@code stored} false when the write failed (or the writer closed). */
        void done(boolean stored);
    }

    private final EventStore store;
    private final BlockingQueue<Call> queue = new ArrayBlockingQueue<>(MAX_PENDING);
    /** Batches whose write failed, to be written before (with) anything newer. Writer thread only. */
    private final List<StoredBatch> unsaved = new ArrayList<>();
    private volatile boolean failing;
    private volatile boolean closed;
    private volatile Thread thread;
    private long queued; // guarded by this
    private long finished; // guarded by this

    StoreWriter(EventStore store) {
        this.store = store;
    }

    /** Starts the writer thread, made by {@code threads}. */
    StoreWriter start(ThreadFactory threads) {
        Thread made = threads.newThread(this);
        if (made == null) {
            throw new IllegalStateException("the thread factory gave no thread for the store writer");
        }
        made.setName("flowcast-store-writer");
        made.setDaemon(true);
        thread = made;
        made.start();
        return this;
    }

    /**
     * True while the last write failed and its batches wait to be written again: the sequencer then refuses new
     * events (503) without numbering them.
     */
    boolean storeFailing() {
        return failing;
    }

    /** Queues a call for the next write; waits only while {@link #MAX_PENDING} calls are queued. */
    void write(Call call) throws InterruptedException {
        if (closed) {
            call.done(false);
            return;
        }
        queue.put(call);
        synchronized (this) {
            queued++;
        }
    }

    /** Waits until every call queued so far is done; true when that happened within {@code timeout}. */
    boolean awaitWritten(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            synchronized (this) {
                long target = queued;
                while (finished < target) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Ends the writer thread (after the write in progress); calls still queued are done as not stored, so their
     * publishers hear 503 rather than nothing.
     */
    void close() {
        closed = true;
        answerQueuedAsNotStored();
        Thread running = thread;
        if (running != null) {
            running.interrupt(); // ends a wait for work; a write in progress ends first, and its calls are answered
            try {
                running.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        answerQueuedAsNotStored(); // a call queued while closing
    }

    private void answerQueuedAsNotStored() {
        List<Call> left = new ArrayList<>();
        queue.drainTo(left);
        finish(left, false);
    }

    @Override
    public void run() {
        List<Call> group = new ArrayList<>();
        while (!closed) {
            try {
                Call first = failing ? queue.poll(RETRY_MILLIS, TimeUnit.MILLISECONDS) : queue.take();
                if (first != null) {
                    group.add(first);
                    queue.drainTo(group);
                }
            } catch (InterruptedException e) {
                return; // closed; close() answers what is left
            }
            if (group.isEmpty() && unsaved.isEmpty()) {
                continue;
            }
            finish(group, writeWithUnsaved(group));
            group.clear();
        }
    }

    /** Writes the held batches and the group's in one statement; true when the store took them. */
    private boolean writeWithUnsaved(List<Call> group) {
        List<StoredBatch> batches = new ArrayList<>(unsaved);
        for (Call call : group) {
            batches.addAll(call.batches());
        }
        try {
            store.write(batches);
            if (failing) {
                LOG.info(() -> "the store answers again; " + unsaved.size() + " held topic batch(es) written");
            }
            unsaved.clear();
            failing = false;
            return true;
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.log(Level.SEVERE, "the store refused " + batches.size() + " topic batch(es); publishes answer 503 "
                        + "until it answers again (tried every " + RETRY_MILLIS + " ms): " + e.getMessage());
            }
            unsaved.clear();
            unsaved.addAll(batches);
            failing = true;
            return false;
        }
    }

    private void finish(List<Call> calls, boolean stored) {
        for (Call call : calls) {
            try {
                call.done(stored);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "finishing a stored call failed", e);
            }
        }
        synchronized (this) {
            finished += calls.size();
            notifyAll();
        }
    }
}
