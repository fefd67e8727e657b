package dev.flowcast.delivery;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connections open on this node, the limit on how many there may be, and the connections this side closed that
 * still await their abort deadline.
 *
 * <p>The limit ({@code flowcast.client.max-connections}) is enforced before the upgrade by
 * {@link ConnectionLimitFilter} (HTTP 503); concurrent upgrades may pass the filter together, so {@link #add}
 * checks again and the endpoint closes the few that overshoot (1013, try again later).
 *
 * <p>A connection this side closed (slow consumer, liveness, token expiry, shutdown) may have a peer that stopped
 * reading, whose close frame never leaves: such connections are kept in {@code closing} until
 * {@link #abortOverdue} drops their socket. Each connection is there at most once, so it is bounded by the limit.
 *
 * <p>Threading: thread-safe.
 */
final class ConnectionRegistry {

    private final int maxConnections;
    private final ConcurrentHashMap<String, Connection> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Connection, Long> closing = new ConcurrentHashMap<>();
    private final AtomicLong serials = new AtomicLong();

    ConnectionRegistry(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** True when no more connections are accepted. */
    boolean isFull() {
        return open.size() >= maxConnections;
    }

    /** A number unique on this node for the next connection (it pins the connection to a writer). */
    long nextSerial() {
        return serials.incrementAndGet();
    }

    /** Registers a connection; false when the node is already at its limit (the caller closes it). */
    boolean add(Connection connection) {
        if (open.size() >= maxConnections) {
            return false;
        }
        open.put(connection.id(), connection);
        return true;
    }

    /** Forgets a connection that closed; one this side closed is watched until its abort deadline. */
    boolean remove(Connection connection, long nowNanos) {
        boolean removed = open.remove(connection.id(), connection);
        if (removed && connection.outbox().isClosedByServer()) {
            closing.putIfAbsent(connection, nowNanos);
        }
        return removed;
    }

    /** Watches a connection this side is closing (its close may never finish). */
    void closingSince(Connection connection, long nowNanos) {
        closing.putIfAbsent(connection, nowNanos);
    }

    /** Drops the socket of every connection this side closed more than {@code afterNanos} ago. */
    void abortOverdue(long nowNanos, long afterNanos) {
        for (Iterator<Map.Entry<Connection, Long>> it = closing.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Connection, Long> entry = it.next();
            if (nowNanos - entry.getValue() >= afterNanos) {
                it.remove();
                entry.getKey().outbox().abort();
            }
        }
    }

    /** A live view of the open connections. */
    Collection<Connection> connections() {
        return open.values();
    }

    int size() {
        return open.size();
    }

    /** Subscriptions held by the open connections (summed now: for the once-a-second stats). */
    int subscriptions() {
        int sum = 0;
        for (Connection connection : open.values()) {
            sum += connection.subscriptionCount();
        }
        return sum;
    }
}
