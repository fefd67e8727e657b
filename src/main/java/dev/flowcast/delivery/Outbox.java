package dev.flowcast.delivery;

import dev.flowcast.event.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's bounded queue of frames, written with at most one send in flight.
 *
 * <p>Tyrus' async API never pushes back (FACTS.md: it queues without bound), so the bound is ours: a client
 * more than {@code maxPending} frames behind is closed with 1008 {@code slow consumer} and counted; one slow
 * reader never holds up the fan-out. When several frames wait, they leave as one text message, one frame per
 * line (contract §3), up to {@link #MAX_MESSAGE_CHARS}, so a client that falls behind costs one socket write
 * instead of one per event.
 *
 * <p>Threading: {@link #offer} may be called from any thread (fan-out workers, the endpoint); frames offered
 * by one thread leave in the order offered. The next send is started from the completion of the previous one;
 * if the container completes a send inline, the loop in {@link #pump()} continues instead of recursing.
 */
public final class Outbox {

    /** Close code for a client cut off as a slow consumer (policy violation). */
    public static final int SLOW_CONSUMER_CODE = 1008;
    public static final String SLOW_CONSUMER_REASON = "slow consumer";
    /** Soft cap of one packed message; a single larger frame is still sent whole. */
    static final int MAX_MESSAGE_CHARS = 256 * 1024;

    private final FrameSink sink;
    private final int maxPending;
    private final DeliveryObserver observer;

    // guarded by this
    private final ArrayDeque<OutFrame> pending = new ArrayDeque<>();
    private List<OutFrame> inFlight = List.of();
    private boolean sending;
    private boolean closed;
    private boolean inSendCall;
    private boolean completedDuringCall;
    // A close waiting for the flush, as two fields rather than a small record class: the shutdown hook runs
    // this code when the web class loader no longer loads classes (see Lifecycle.preloadShutdownPath).
    private int pendingCloseCode;
    private String pendingCloseReason;

    public Outbox(FrameSink sink, int maxPending, DeliveryObserver observer) {
        if (maxPending <= 0) {
            throw new IllegalArgumentException("maxPending must be > 0");
        }
        this.sink = sink;
        this.maxPending = maxPending;
        this.observer = observer;
    }

    /**
     * Queues a frame and starts a send when none is in flight.
     *
     * @return false when the frame was not queued: the outbox is closed, or this frame overflowed it and the
     *     client has just been cut off
     */
    public boolean offer(OutFrame frame) {
        boolean cut = false;
        boolean start = false;
        synchronized (this) {
            if (closed || pendingCloseReason != null) {
                return false;
            }
            if (pending.size() >= maxPending) {
                closed = true;
                cut = true;
                pending.clear();
            } else {
                pending.addLast(frame);
                if (!sending) {
                    sending = true;
                    start = true;
                }
            }
        }
        if (cut) {
            observer.slowConsumerCut();
            sink.close(SLOW_CONSUMER_CODE, SLOW_CONSUMER_REASON);
            return false;
        }
        if (start) {
            pump();
        }
        return true;
    }

    /** Frames waiting, not yet handed to the socket. */
    public synchronized int pending() {
        return pending.size();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Closes the connection with {@code code} (e.g. 1001 at shutdown) once the frames already queued are
     * written; accepts no new frames from now on.
     */
    public void closeAfterFlush(int code, String reason) {
        boolean closeNow;
        synchronized (this) {
            if (closed || pendingCloseReason != null) {
                return;
            }
            pendingCloseCode = code;
            pendingCloseReason = reason;
            closeNow = !sending;
            if (closeNow) {
                closed = true;
            }
        }
        if (closeNow) {
            sink.close(code, reason);
        }
    }

    /** Stops sending: the connection is gone. Frames still waiting are discarded. */
    public synchronized void close() {
        closed = true;
        pending.clear();
    }

    private void pump() {
        while (true) {
            String message = null;
            boolean closeNow = false;
            synchronized (this) {
                if (closed || pending.isEmpty()) {
                    sending = false;
                    if (!closed && pendingCloseReason != null) {
                        closed = true;
                        closeNow = true;
                    }
                } else {
                    message = takeMessage();
                    inSendCall = true;
                    completedDuringCall = false;
                }
            }
            if (message == null) {
                if (closeNow) {
                    sink.close(pendingCloseCode, pendingCloseReason);
                }
                return;
            }
            sink.sendAsync(message, this::completed);
            synchronized (this) {
                inSendCall = false;
                if (!completedDuringCall) {
                    return; // completed() continues the loop when the write finishes
                }
            }
        }
    }

    /** Packs waiting frames into one message, one per line. Caller holds the lock. */
    private String takeMessage() {
        OutFrame first = pending.pollFirst();
        if (pending.isEmpty()) {
            inFlight = List.of(first);
            return first.text();
        }
        List<OutFrame> frames = new ArrayList<>(Math.min(pending.size() + 1, 256));
        StringBuilder message = new StringBuilder(first.text());
        frames.add(first);
        while (!pending.isEmpty()
                && message.length() + 1 + pending.peekFirst().text().length() <= MAX_MESSAGE_CHARS) {
            OutFrame next = pending.pollFirst();
            message.append('\n').append(next.text());
            frames.add(next);
        }
        inFlight = frames;
        return message.toString();
    }

    private void completed(Throwable failure) {
        List<OutFrame> written;
        synchronized (this) {
            written = inFlight;
            inFlight = List.of();
            if (failure != null) {
                closed = true;
                pending.clear();
                sending = false;
            }
        }
        if (failure != null) {
            return; // the socket is broken; the endpoint's onError/onClose cleans up
        }
        long now = Clock.nowMicros();
        for (OutFrame frame : written) {
            if (frame.isEvent()) {
                observer.delivered(now - frame.acceptedMicros());
            }
        }
        synchronized (this) {
            if (inSendCall) {
                completedDuringCall = true;
                return; // pump() is still inside sendAsync on this or another thread and goes on from there
            }
        }
        pump();
    }
}
