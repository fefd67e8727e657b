package dev.flowcast.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A small pool of long-lived writer threads that write every outbox's messages to its socket; each connection is
 * pinned to one writer.
 *
 * <p>Why a pool of our own: a topic's fan-out runs in one lane, one thread at a time, so if that thread also
 * wrote to the sockets, one hot topic (1000 subscribers × 100 events/s = 100 000 writes a second) would be capped
 * by a single core. The fan-out only queues chunks (cheap); the writes, the expensive part, spread over every
 * writer. Pinning keeps each connection's writes on one thread, so its messages leave in order with no lock held
 * across a send, and packing happens by itself: whatever queued while the writer served others leaves as one
 * message.
 *
 * <p>Why the isolated context class loader: on Payara, a send through Tyrus' async remote re-schedules the
 * session's idle timeout on the container's managed scheduled executor, and capturing the context for that task
 * scans the thread's context class loader through {@code ServiceLoader}; with the webapp's loader that scan
 * dominated a send (FACTS.md: ~65 % of CPU, 37 µs per send). A loader that finds nothing makes the scan empty.
 * Messages now skip that path on Tyrus ({@link TextSender}); pings and closes still take it. Writer threads only
 * call the container's send API, which needs no application class through the context loader.
 *
 * <p>The writers' lag ({@link #lagMillis}) is how the pipeline's demand reaches publishers (the ingest's delivery
 * gate): a server with more to write than its writers get CPU for refuses or slows publishers instead of letting
 * every outbox overflow.
 *
 * <p>Threading: {@link WriteScheduler#schedule} from any thread, never blocking; each writer drains its own bounded
 * queue. An outbox is in a writer's queue at most once at a time (see {@link Outbox}), so a queue never holds more
 * outboxes than connections are pinned to it: its bound is the connection limit.
 */
public final class OutboxWriters {

    private static final Logger LOG = Logger.getLogger(OutboxWriters.class.getName());

    /** A class loader that finds nothing (see the class comment). */
    static final ClassLoader ISOLATED = new ClassLoader(null) {
    };

    private final List<Writer> writers = new ArrayList<>();
    private final ThreadFactory threads;

    /**
     * @param count         writer threads (the stage worker setting: one per core by default)
     * @param maxOutboxes   the most connections this node holds at once, the bound of each writer's queue
     */
    public OutboxWriters(int count, int maxOutboxes, ThreadFactory threads) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one writer, was " + count);
        }
        this.threads = threads;
        for (int i = 0; i < count; i++) {
            writers.add(new Writer(i, maxOutboxes));
        }
    }

    /** Starts the writer threads. */
    public void start() {
        for (Writer writer : writers) {
            Thread thread = threads.newThread(writer);
            if (thread == null) {
                throw new IllegalStateException("the thread factory gave no thread for outbox writer " + writer.index);
            }
            thread.setName("flowcast-writer-" + writer.index);
            writer.thread = thread;
            thread.start();
        }
    }

    /** The writer a connection with this serial is pinned to. */
    public Outbox.WriteScheduler writerFor(long serial) {
        return writers.get((int) Math.floorMod(serial, (long) writers.size()));
    }

    /**
     * How far behind the writers are: how long the oldest outbox waiting for a writer has waited (0 when every
     * writer has caught up). Sockets that do not drain do not count (their outbox waits for the socket, not for a
     * writer); what counts is a server with more to write than its writer threads get CPU for, or a writer stuck in
     * a call. Any thread; takes each writer queue's lock briefly.
     */
    public long lagMillis() {
        long now = System.nanoTime();
        long worst = 0;
        for (Writer writer : writers) {
            Outbox oldest = writer.ready.peek();
            if (oldest != null) {
                worst = Math.max(worst, now - oldest.scheduledAtNanos());
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(worst);
    }

    /** Ends the writer threads once they finished what is queued now (shutdown, after every socket closed). */
    public void stop() {
        for (Writer writer : writers) {
            writer.stopping = true;
            Thread thread = writer.thread;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** One writer thread and its queue of outboxes with something to write. */
    private static final class Writer implements Runnable, Outbox.WriteScheduler {

        private final int index;
        private final ArrayBlockingQueue<Outbox> ready;
        private volatile boolean stopping;
        private volatile Thread thread;

        Writer(int index, int capacity) {
            this.index = index;
            this.ready = new ArrayBlockingQueue<>(Math.max(16, capacity));
        }

        @Override
        public void schedule(Outbox outbox) {
            if (!ready.offer(outbox)) {
                // cannot happen while connections stay under the limit (one entry per outbox); never block a
                // caller that may be a container thread: cut that client instead
                LOG.warning("outbox writer " + index + " is full; closing a connection (1013)");
                outbox.closeNow(1013, "server overloaded");
            }
        }

        @Override
        public void run() {
            Thread.currentThread().setContextClassLoader(ISOLATED);
            while (true) {
                Outbox outbox;
                try {
                    outbox = stopping ? ready.poll() : ready.take();
                } catch (InterruptedException e) {
                    if (stopping) {
                        continue; // finish what is queued, then leave
                    }
                    return;
                }
                if (outbox == null) {
                    return; // stopping and nothing left
                }
                try {
                    outbox.writeNext();
                } catch (RuntimeException | Error e) { // one bad socket must not stop the writer of many
                    LOG.log(Level.WARNING, "outbox writer " + index + ": a write failed; dropping that connection", e);
                    outbox.abort();
                }
            }
        }
    }
}
