package dev.flowcast.delivery;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The delivery side's periodic chores, one tick at a time on the container's managed scheduled executor: liveness
 * pings, token expiry, aborting sockets whose close never finished, and catching up topics the full fan-out stage
 * could not take.
 *
 * <p>Per tick, for each open connection: a connect token that expired closes it (1008 {@code token expired}); each
 * subscription whose frame token expired ends ({@code unsubscribed}, {@code token_expired}); a connection that has
 * sent nothing — no frame, no pong — for three ping periods is closed (1001 {@code ping timeout}); one quiet for a
 * period is pinged. Then connections this side closed more than {@link #ABORT_AFTER_NANOS} ago lose their socket
 * (a peer that stopped reading never lets the close frame out), marked topics are caught up, and channels holding
 * ended subscriptions are pruned.
 *
 * <p>Threading: {@link #run} is called by one scheduled task at a fixed delay, never concurrently; it never blocks
 * on a socket (pings, closes and aborts are all queued or immediate) and never throws.
 */
final class Housekeeping implements Runnable {

    /** How often the tick runs: the resolution of token expiry and of catching up after a full queue. */
    static final long TICK_MILLIS = 250;
    /** How long a close this side started may take before the socket is dropped. */
    static final long ABORT_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final String PING_TIMEOUT_REASON = "ping timeout";

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    private final ConnectionRegistry registry;
    private final ClientProtocol protocol;
    private final FanOutStage fanOut;
    private final long pingPeriodNanos;
    private final Clock clock;

    Housekeeping(ConnectionRegistry registry, ClientProtocol protocol, FanOutStage fanOut, int pingSeconds,
            Clock clock) {
        this.registry = registry;
        this.protocol = protocol;
        this.fanOut = fanOut;
        this.pingPeriodNanos = TimeUnit.SECONDS.toNanos(pingSeconds);
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            tick(System.nanoTime());
        } catch (RuntimeException e) { // an exception would cancel the periodic task silently
            LOG.log(Level.WARNING, "delivery housekeeping failed; it runs again at the next tick", e);
        }
    }

    void tick(long now) {
        java.time.Instant instant = clock.instant();
        for (Connection connection : registry.connections()) {
            if (connection.outbox().isClosedByServer()) {
                // this side is closing it (after its queued frames, or waiting for the client's close frame):
                // that may never finish; the abort deadline below bounds it
                registry.closingSince(connection, now);
                continue;
            }
            if (!connection.isOpen()) {
                continue;
            }
            if (protocol.endExpired(connection, instant)) {
                registry.closingSince(connection, now);
                continue;
            }
            long quiet = now - connection.lastHeardNanos();
            if (quiet >= 3 * pingPeriodNanos) {
                connection.outbox().closeNow(1001, PING_TIMEOUT_REASON);
                registry.closingSince(connection, now);
            } else if (quiet >= pingPeriodNanos && now - connection.lastPingNanos() >= pingPeriodNanos) {
                connection.pinged(now);
                connection.outbox().ping();
            }
        }
        registry.abortOverdue(now, ABORT_AFTER_NANOS);
        fanOut.retryResyncs();
        fanOut.sweepEndedSubscriptions();
    }
}
