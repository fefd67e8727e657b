package dev.flowcast.delivery;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The delivery side's periodic chores, one tick at a time on the container's managed scheduled executor: liveness
 * pings, token expiry, aborting sockets whose close never finished, catching up topics the full fan-out stage
 * could not take, and sending clients elsewhere when the node has lost its cluster.
 *
 * <p>Per tick, for each open connection: a connect token that expired closes it (1008 {@code token expired}); each
 * subscription whose frame token expired ends ({@code unsubscribed}, {@code token_expired}); a connection that has
 * sent nothing — no frame, no pong — for three ping periods is closed (1001 {@code ping timeout}); one quiet for a
 * period is pinged. Then connections this side closed more than {@link #ABORT_AFTER_NANOS} ago lose their socket
 * (a peer that stopped reading never lets the close frame out), marked topics are caught up, and channels holding
 * ended subscriptions are pruned.
 *
 * <p>A client node cut off from its Hazelcast cluster for longer than {@link #CUT_OFF_GRACE_NANOS} can deliver
 * nothing: it closes every connection with 1001 (and any that opens meanwhile), so clients resume on another node
 * ({@code flowcast.js} moves to the next URL) rather than wait on a node that cannot tell them anything. Shorter
 * cuts (a reconnect to another member) keep them.
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
    /** How long a node may be cut off from its cluster before it sends its clients elsewhere. */
    static final long CUT_OFF_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final String CUT_OFF_REASON = "this node lost its cluster";

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    private final ConnectionRegistry registry;
    private final ClientProtocol protocol;
    private final FanOutStage fanOut;
    private final long pingPeriodNanos;
    private final Clock clock;
    private final BooleanSupplier clusterReachable;
    /** When the node was first seen cut off from its cluster, or -1 while it reaches it. Tick thread only. */
    private long cutOffSince = -1;
    /** The current cut was logged. Tick thread only. */
    private boolean clientsSentAway;

    Housekeeping(ConnectionRegistry registry, ClientProtocol protocol, FanOutStage fanOut, int pingSeconds,
            Clock clock, BooleanSupplier clusterReachable) {
        this.registry = registry;
        this.protocol = protocol;
        this.fanOut = fanOut;
        this.pingPeriodNanos = TimeUnit.SECONDS.toNanos(pingSeconds);
        this.clock = clock;
        this.clusterReachable = clusterReachable;
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
        boolean sendAway = cutOffTooLong(now);
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
            if (sendAway) {
                connection.outbox().closeAfterFlush(1001, CUT_OFF_REASON);
                registry.closingSince(connection, now);
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

    /** True while the node has been cut off from its cluster for longer than the grace (logged once per cut). */
    private boolean cutOffTooLong(long now) {
        if (clusterReachable.getAsBoolean()) {
            cutOffSince = -1;
            clientsSentAway = false;
            return false;
        }
        if (cutOffSince < 0) {
            cutOffSince = now;
        }
        if (now - cutOffSince < CUT_OFF_GRACE_NANOS) {
            return false;
        }
        if (!clientsSentAway) {
            clientsSentAway = true;
            LOG.warning(() -> "cut off from the Hazelcast cluster for " + TimeUnit.NANOSECONDS.toSeconds(now - cutOffSince)
                    + " s: closing " + registry.size() + " connection(s) with 1001 so their clients resume on another"
                    + " node, and every connection that opens until it reconnects");
        }
        return true;
    }
}
