package dev.flowcast.ingest;

import dev.flowcast.cluster.EventBatch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts the sequencer's numbered batches on the bus without the ingest worker waiting for Hazelcast's round trip.
 *
 * <p>Why: the worker used to block on every bus message before it could number the next batch: a wall-clock
 * profile in {@code replicated} mode found the workers busy 97 % of the time, 41 % of it waiting for the bus
 * (docs/profiles/replicated-bus-wait.txt), so a publish also waited for the bus round trips of the batches queued
 * before it. Now a worker queues the message and takes the next batch.
 *
 * <p>One sender thread per bus partition sends that partition's messages one at a time, in the order they were
 * queued, each after the last was acknowledged: so a partition's messages reach the bus in the order the sequencer
 * numbered them, whatever Hazelcast retries. (Not {@code ITopic.publishAsync}: in Hazelcast 5.5.0 the future it
 * returns for the {@code DISCARD_OLDEST} policy never completes, and two adds in flight to one ring could be
 * reordered by a retry anyway.)
 *
 * <p>Bounded: at most {@link #MAX_PENDING} messages wait per partition; a worker that would queue one more waits
 * for room, so a slow bus still slows numbering down (and the ingest queue's overflow policy answers) instead of
 * growing a backlog.
 *
 * <p>A message the bus refused is logged and skipped; the next ones still go. Its events are numbered and in the
 * history: subscribers get them when the topic's next batch shows the jump in seq (the fan-out reads the missing
 * range from history), or on the re-read after a membership change (as when a member died before its message left).
 *
 * <p>Threading: {@link #send} from the ingest workers, never concurrently for one partition (the stage's lanes are
 * bus partitions); {@link #awaitSent} and {@link #close} by the drain, after the workers stopped. The sender threads
 * come from the container's thread factory, made once at {@link #start}.
 */
final class BusSender {

    /** Messages that may wait per bus partition before a worker waits with them. */
    static final int MAX_PENDING = 16;

    private static final Logger LOG = Logger.getLogger(BusSender.class.getName());

    private final Consumer<List<EventBatch>> bus;
    private final Partition[] partitions;

    /** @param bus sends one partition's message and returns once the bus holds it (blocking) */
    BusSender(Consumer<List<EventBatch>> bus, int partitionCount) {
        this.bus = bus;
        this.partitions = new Partition[partitionCount];
        for (int p = 0; p < partitionCount; p++) {
            partitions[p] = new Partition(p);
        }
    }

    /** Starts one sender thread per partition, made by {@code threads}. */
    BusSender start(ThreadFactory threads) {
        for (Partition partition : partitions) {
            Thread thread = threads.newThread(partition);
            if (thread == null) {
                throw new IllegalStateException("the thread factory gave no thread for bus partition " + partition.index);
            }
            thread.setName("flowcast-bus-" + partition.index);
            thread.setDaemon(true);
            partition.thread = thread;
            thread.start();
        }
        return this;
    }

    /**
     * Queues one message of bus partition {@code partition}; returns once it is queued, waiting only while
     * {@link #MAX_PENDING} of the partition's messages are still unsent.
     *
     * @param batches one per topic, all of topics of {@code partition}
     */
    void send(int partition, List<EventBatch> batches) throws InterruptedException {
        Partition p = partitions[partition];
        p.queue.put(batches);
        synchronized (p) {
            p.queued++;
        }
    }

    /** Waits until every message queued so far was sent (or refused); true when that happened within {@code timeout}. */
    boolean awaitSent(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Partition p : partitions) {
                synchronized (p) {
                    long target = p.queued;
                    while (p.sent < target) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        TimeUnit.NANOSECONDS.timedWait(p, left);
                    }
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends the sender threads; what is still queued is not sent (call {@link #awaitSent} first). */
    void close() {
        for (Partition p : partitions) {
            p.closed = true;
            Thread thread = p.thread;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** One bus partition: its queue of messages and the thread that sends them in order. */
    private final class Partition implements Runnable {
        final int index;
        final BlockingQueue<List<EventBatch>> queue = new ArrayBlockingQueue<>(MAX_PENDING);
        volatile Thread thread;
        volatile boolean closed;
        long queued; // guarded by this
        long sent;   // guarded by this; sent or refused

        Partition(int index) {
            this.index = index;
        }

        @Override
        public void run() {
            while (!closed) {
                List<EventBatch> batches;
                try {
                    batches = queue.take();
                } catch (InterruptedException e) {
                    return; // closed
                }
                try {
                    bus.accept(batches);
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "bus partition " + index + " refused a message of " + batches.size()
                            + " topic batch(es); their subscribers catch up from history on the topic's next batch "
                            + "or the next membership change", e);
                }
                synchronized (this) {
                    sent++;
                    notifyAll();
                }
            }
        }
    }
}
