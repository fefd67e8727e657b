package dev.flowcast.delivery;

import dev.flowcast.event.Clock;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One client's bounded queue of frames, written by its pinned writer thread with at most one send in flight.
 *
 * <p>Tyrus' async API never pushes back (FACTS.md: it queues without bound), so the bound is ours: a client more
 * than {@code maxFrames} frames or {@code maxBytes} bytes behind is cut off with 1008 {@code slow consumer} and
 * counted; one slow reader never holds up the fan-out or the other clients. Whatever waits when the writer comes
 * round leaves as one text message, one frame per line (contract §3), up to {@link #MAX_MESSAGE_CHARS}: a client
 * that falls behind costs one socket write, not one per event, and a busy server packs more per write.
 *
 * <p>Ordering with subscriptions: {@link #offer(Chunk, Subscription)} queues a topic's frames only while the
 * subscription is active, checked under this outbox's lock, and {@link #end} deactivates a subscription and queues
 * its {@code unsubscribed} under the same lock; so no frame of a topic is ever queued after its {@code unsubscribed}.
 *
 * <p>Threading: {@code offer}, {@code end}, {@code closeAfterFlush} and {@code close} from any thread;
 * {@link #writeNext} only from the writer this outbox is pinned to. The send completion may run on the writer
 * (written at once) or on a container thread (written later); it hands the outbox back to its writer when more
 * waits. All state is guarded by {@code this}; the sink is called outside the lock.
 */
public final class Outbox {

    /** Close code for a client cut off as a slow consumer (policy violation). */
    public static final int SLOW_CONSUMER_CODE = 1008;
    public static final String SLOW_CONSUMER_REASON = "slow consumer";
    /** Soft cap of one packed message; a single larger chunk is still sent whole. */
    static final int MAX_MESSAGE_CHARS = 256 * 1024;

    /** Hands an outbox with something to write to the writer thread it is pinned to. Any thread; never blocks. */
    @FunctionalInterface
    public interface WriteScheduler {
        void schedule(Outbox outbox);
    }

    private final FrameSink sink;
    private final int maxFrames;
    private final long maxBytes;
    private final DeliveryObserver observer;
    private final WriteScheduler writer;

    // guarded by this
    private final ArrayDeque<Chunk> pending = new ArrayDeque<>(4);
    private int pendingFrames;
    private long pendingBytes;
    private Chunk[] inFlight = new Chunk[1];
    private int inFlightCount;
    private boolean writing;     // a message is with the socket, its completion not yet seen
    private boolean scheduled;   // handed to the writer, writeNext not yet run
    private boolean closed;      // nothing more is queued or written
    private boolean closedByServer;
    private long writingSinceNanos;
    /** When this outbox was last handed to its writer: how long it waits for the writer is the writers' lag. */
    private volatile long scheduledAtNanos;
    // a close waiting for the flush (e.g. 1001 at shutdown)
    private int pendingCloseCode;
    private String pendingCloseReason;

    public Outbox(FrameSink sink, int maxFrames, long maxBytes, DeliveryObserver observer, WriteScheduler writer) {
        if (maxFrames <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("an outbox needs positive bounds: " + maxFrames + " frames, "
                    + maxBytes + " bytes");
        }
        this.sink = sink;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.observer = observer;
        this.writer = writer;
    }

    /**
     * Queues a chunk (a control frame, or frames of no subscription in particular).
     *
     * @return false when it was not queued: the outbox is closed or closing, or this chunk overflowed it and the
     *     client has just been cut off
     */
    public boolean offer(Chunk chunk) {
        return offer(chunk, null);
    }

    /**
     * Queues a chunk of {@code subscription}'s topic while the subscription is active (checked under the lock).
     *
     * @return false when it was not queued (see {@link #offer(Chunk)}; also when the subscription has ended)
     */
    public boolean offer(Chunk chunk, Subscription subscription) {
        boolean schedule;
        synchronized (this) {
            if (closed || pendingCloseReason != null || (subscription != null && !subscription.isActive())) {
                return false;
            }
            if (overflowsLocked(chunk)) {
                cutLocked();
                schedule = false;
            } else {
                appendLocked(chunk);
                schedule = claimWriterLocked();
            }
        }
        if (!schedule && isCutJustNow()) {
            return false;
        }
        if (schedule) {
            writer.schedule(this);
        }
        return true;
    }

    /**
     * Ends {@code subscription} and queues {@code answer} (its {@code unsubscribed}, or null for none) behind its
     * last frames: after this, no frame of its topic is queued. The subscription ends even if the outbox is closed.
     */
    public void end(Subscription subscription, Chunk answer) {
        boolean schedule = false;
        synchronized (this) {
            subscription.deactivate();
            if (answer != null && !closed && pendingCloseReason == null) {
                if (overflowsLocked(answer)) {
                    cutLocked();
                } else {
                    appendLocked(answer);
                    schedule = claimWriterLocked();
                }
            }
        }
        if (schedule) {
            writer.schedule(this);
        } else {
            isCutJustNow();
        }
    }

    /** Frames waiting, not yet handed to the socket. */
    public synchronized int pendingFrames() {
        return pendingFrames;
    }

    /** Bytes of frames waiting, not yet handed to the socket. */
    public synchronized long pendingBytes() {
        return pendingBytes;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** True once this side decided to close (slow consumer, shutdown, liveness, token expiry). */
    public synchronized boolean isClosedByServer() {
        return closedByServer;
    }

    /**
     * How long the message now with the socket has been waiting for its write to complete, in nanoseconds at
     * {@code nowNanos}; 0 when none is.
     */
    public synchronized long writingForNanos(long nowNanos) {
        return writing ? Math.max(0, nowNanos - writingSinceNanos) : 0;
    }

    /**
     * Closes the connection with {@code code} (e.g. 1001 at shutdown) once the frames already queued are written;
     * queues nothing from now on.
     */
    public void closeAfterFlush(int code, String reason) {
        boolean closeNow = false;
        boolean schedule = false;
        synchronized (this) {
            if (closed || pendingCloseReason != null) {
                return;
            }
            pendingCloseCode = code;
            pendingCloseReason = reason;
            closedByServer = true;
            if (!writing && pending.isEmpty()) {
                closed = true;
                closeNow = true;
            } else {
                schedule = claimWriterLocked();
            }
        }
        if (closeNow) {
            sink.close(code, reason);
        } else if (schedule) {
            writer.schedule(this);
        }
    }

    /** Closes now with {@code code}, dropping what waits (e.g. liveness, token expiry); queues nothing more. */
    public void closeNow(int code, String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closedByServer = true;
            clearLocked();
        }
        sink.close(code, reason);
    }

    /** Stops sending: the connection is gone. Frames still waiting are discarded. */
    public synchronized void close() {
        closed = true;
        clearLocked();
    }

    /** Sends a WebSocket ping unless the outbox is closed. Any thread; never blocks. */
    public void ping() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        sink.ping();
    }

    /** Drops the TCP connection now (see {@link FrameSink#abort}). */
    public void abort() {
        close();
        sink.abort();
    }

    /**
     * Writes whatever waits as one message, or does the pending close; called only by this outbox's writer
     * thread, after {@link WriteScheduler#schedule}.
     */
    public void writeNext() {
        int count = 0;
        boolean closeNow = false;
        synchronized (this) {
            scheduled = false;
            if (closed || writing) {
                return; // a completion will hand us back if anything is left
            }
            if (pending.isEmpty()) {
                if (pendingCloseReason != null) {
                    closed = true;
                    closeNow = true;
                }
            } else {
                count = takeMessageLocked();
                writing = true;
                writingSinceNanos = System.nanoTime();
            }
        }
        if (closeNow) {
            sink.close(pendingCloseCode, pendingCloseReason);
        } else if (count > 0) {
            // outside the lock, yet safe: while `writing` is set, nothing rewrites inFlight
            sink.sendAsync(inFlight, count, this::completed);
        }
    }

    /**
     * Moves the waiting chunks that fit one message ({@link #MAX_MESSAGE_CHARS}) to {@code inFlight}; returns how
     * many. Caller holds the lock.
     */
    private int takeMessageLocked() {
        Chunk first = pending.pollFirst();
        int count = 1;
        int chars = first.text().length();
        int frames = first.frames();
        long bytes = first.bytes();
        while (!pending.isEmpty() && chars + 1 + pending.peekFirst().text().length() <= MAX_MESSAGE_CHARS) {
            Chunk next = pending.pollFirst();
            if (count == inFlight.length) {
                inFlight = Arrays.copyOf(inFlight, count * 2);
            }
            inFlight[count++] = next;
            chars += 1 + next.text().length();
            frames += next.frames();
            bytes += next.bytes();
        }
        inFlight[0] = first;
        inFlightCount = count;
        pendingFrames -= frames;
        pendingBytes -= bytes;
        return count;
    }

    private void completed(Throwable failure) {
        int count;
        synchronized (this) {
            count = inFlightCount; // the lock orders this read after takeMessageLocked's writes
        }
        if (failure == null) {
            // outside the lock, yet safe: while `writing` is set, nothing rewrites inFlight
            long now = Clock.nowMicros();
            for (int i = 0; i < count; i++) {
                Chunk chunk = inFlight[i];
                if (chunk.events() > 0) {
                    observer.delivered(chunk, now);
                }
            }
        }
        boolean schedule = false;
        synchronized (this) {
            Arrays.fill(inFlight, 0, count, null);
            inFlightCount = 0;
            writing = false;
            if (failure != null) {
                closed = true; // the socket is broken; the endpoint's onError/onClose cleans up
                clearLocked();
            } else if (!closed && (!pending.isEmpty() || pendingCloseReason != null)) {
                schedule = claimWriterLocked();
            }
        }
        if (schedule) {
            writer.schedule(this);
        }
    }

    /** Claims the right to hand this outbox to its writer; true when the caller must do so. Caller holds the lock. */
    private boolean claimWriterLocked() {
        if (writing || scheduled) {
            return false;
        }
        scheduled = true;
        scheduledAtNanos = System.nanoTime();
        return true;
    }

    /** When this outbox was last handed to its writer ({@link System#nanoTime()}); any thread. */
    long scheduledAtNanos() {
        return scheduledAtNanos;
    }

    private boolean overflowsLocked(Chunk chunk) {
        return pendingFrames + chunk.frames() > maxFrames || pendingBytes + chunk.bytes() > maxBytes;
    }

    private void appendLocked(Chunk chunk) {
        pending.addLast(chunk);
        pendingFrames += chunk.frames();
        pendingBytes += chunk.bytes();
    }

    private void clearLocked() {
        pending.clear();
        pendingFrames = 0;
        pendingBytes = 0;
    }

    /** The client fell too far behind: mark it cut; {@link #isCutJustNow} closes it, outside the lock. */
    private void cutLocked() {
        closed = true;
        closedByServer = true;
        clearLocked();
        cutToAnnounce = true;
    }

    private boolean cutToAnnounce; // guarded by this: a cut decided under the lock, to carry out outside it

    /** Carries out a cut decided under the lock, once: counts it and closes with 1008. True when it did. */
    private boolean isCutJustNow() {
        synchronized (this) {
            if (!cutToAnnounce) {
                return false;
            }
            cutToAnnounce = false;
        }
        observer.slowConsumerCut();
        sink.close(SLOW_CONSUMER_CODE, SLOW_CONSUMER_REASON);
        return true;
    }
}
